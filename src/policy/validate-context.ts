/**
 * What every step of write-time validation shares (validate.ts → validate-statement.ts →
 * validate-condition.ts): the sink collecting every issue, and the small checks each step uses.
 */
import { type IssueSink, childPath } from './issues.js';
import type { ResourceRegistry } from './registry.js';
import type { PolicyKind } from './types.js';

export interface ValidationContext {
  readonly sink: IssueSink;
  readonly kind: PolicyKind;
  readonly registry: ResourceRegistry;
  readonly sids: Set<string>;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reports keys outside `allowed`; `hints` explain the ones refused on purpose (NotResource, Id, …). */
export function checkKeys(
  sink: IssueSink,
  value: Record<string, unknown>,
  path: string,
  allowed: readonly string[],
  hints: Readonly<Record<string, string>> = {},
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      sink.error(
        'UNKNOWN_KEY',
        childPath(path, key),
        hints[key] ?? `unknown key "${key}"; allowed: ${allowed.join(', ')}`,
      );
  }
}
