import type { ValidateOptions, ValidationResult } from './types.js';

export const DEFAULT_MAX_POLICY_BYTES = 10240;

export function validatePolicy(_input: unknown, _options: ValidateOptions = {}): ValidationResult {
  throw new Error('not implemented');
}
