import type { CompileOptions, CompiledPolicy, PolicyDocument, PolicyIssue } from './types.js';

export class PolicyValidationError extends Error {
  constructor(readonly issues: readonly PolicyIssue[]) {
    super(`invalid policy: ${issues.map((i) => `${i.path}: ${i.code}`).join('; ')}`);
    this.name = 'PolicyValidationError';
  }
}

export function compilePolicy(_document: unknown, _options: CompileOptions): CompiledPolicy {
  throw new Error('not implemented');
}

export function compilePolicies(
  _inputs: readonly { readonly document: PolicyDocument | string; readonly options: CompileOptions }[],
): CompiledPolicy[] {
  throw new Error('not implemented');
}
