import type { CompileOptions, CompiledPolicy, PolicyDocument } from './types.js';

export class PolicyCache {
  constructor(readonly maxEntries = 1000) {}

  compile(_document: PolicyDocument | string, _options: CompileOptions): CompiledPolicy {
    throw new Error('not implemented');
  }
}
