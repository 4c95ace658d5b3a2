/**
 * Stable codes of validation issues (POL-2) and evaluation errors (item 35). Codes are API: callers map
 * them to messages and tests assert them, so rename none.
 */
import type { PolicyIssue } from './types.js';

export const ISSUE_CODES = [
  // document shape
  'JSON_INVALID',
  'JSON_DUPLICATE_KEY',
  'POLICY_TOO_LARGE',
  'NOT_AN_OBJECT',
  'UNKNOWN_KEY',
  'MISSING_KEY',
  'VERSION_INVALID',
  'STATEMENT_EMPTY',
  'SID_INVALID',
  'SID_DUPLICATE',
  'EFFECT_INVALID',
  'ACTION_AND_NOT_ACTION',
  'ACTION_MISSING',
  'VALUE_NOT_STRING',
  'LIST_EMPTY',
  'ACTION_INVALID',
  'RESOURCE_INVALID',
  'SRN_INVALID',
  'SRN_WILDCARD_NOT_ALLOWED',
  'PRINCIPAL_REQUIRED',
  'PRINCIPAL_FORBIDDEN',
  'PRINCIPAL_INVALID',
  'PRINCIPAL_WILDCARD',
  // conditions
  'OPERATOR_UNKNOWN',
  'OPERATOR_IF_EXISTS',
  'QUALIFIER_UNKNOWN',
  'KEY_UNKNOWN',
  'KEY_NOT_ABAC',
  'KEY_AMBIGUOUS',
  'CONDITION_VALUE_INVALID',
  // warnings
  'WARN_FOR_ALL_VALUES_ALLOW',
  'WARN_ACTION_CASE',
  'WARN_ACTION_UNKNOWN',
  'WARN_NOT_ACTION_ALLOW',
  'WARN_POLICY_VARIABLE',
  'WARN_MULTIVALUED_KEY_UNQUALIFIED',
  // evaluation errors (never grant)
  'EVAL_VALUE_TYPE',
  'EVAL_KEY_UNRESOLVED',
  'EVAL_RESOURCE_INVALID',
  'EVAL_INTERNAL',
] as const;

export type IssueCode = (typeof ISSUE_CODES)[number];

/** Collects errors and warnings while walking a document; paths are JSONPath-like (`$.Statement[0]`). */
export class IssueSink {
  readonly errors: PolicyIssue[] = [];
  readonly warnings: PolicyIssue[] = [];

  error(code: IssueCode, path: string, message: string): void {
    this.errors.push({ code, path, message });
  }

  warn(code: IssueCode, path: string, message: string): void {
    this.warnings.push({ code, path, message });
  }
}

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `$.a` for plain names, `$['scp:SourceIp']` otherwise (`\` and `'` escaped), `$[3]` for indexes. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return PLAIN_NAME.test(key) ? `${path}.${key}` : `${path}['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}
