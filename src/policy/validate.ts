/**
 * Write-time validation (POL-1, POL-2; items 3–8): every error at once, each with a stable code and a JSON
 * path; warnings separately. A string input is read with the strict reader (duplicate keys, item 5) and
 * measured in UTF-8 bytes; an already-parsed object is measured as its JSON text.
 */
import { DEFAULT_REGISTRY } from './catalogue.js';
import { IssueSink, childPath } from './issues.js';
import { readJson, utf8Length } from './json.js';
import type { PolicyDocument, ValidateOptions, ValidationResult } from './types.js';
import { checkKeys, isRecord, type ValidationContext } from './validate-context.js';
import { checkStatement } from './validate-statement.js';

export const DEFAULT_MAX_POLICY_BYTES = 10240;
export const POLICY_VERSION = '2024-07-01';

function checkDocument(doc: unknown, ctx: ValidationContext): void {
  const { sink } = ctx;
  if (!isRecord(doc)) {
    sink.error('NOT_AN_OBJECT', '$', 'a policy document is a JSON object');
    return;
  }
  checkKeys(sink, doc, '$', ['Version', 'Statement'], { Id: '"Id" is not part of this language' });
  if (!('Version' in doc))
    sink.error('MISSING_KEY', '$.Version', `"Version" is required and must be "${POLICY_VERSION}"`);
  else if (doc['Version'] !== POLICY_VERSION)
    sink.error('VERSION_INVALID', '$.Version', `"Version" must be "${POLICY_VERSION}"`);
  const statement = doc['Statement'];
  if (statement === undefined) sink.error('MISSING_KEY', '$.Statement', '"Statement" is required');
  else if (Array.isArray(statement)) {
    if (statement.length === 0)
      sink.error('STATEMENT_EMPTY', '$.Statement', '"Statement" needs at least one statement');
    statement.forEach((s, i) => checkStatement(s, childPath('$.Statement', i), ctx));
  } else checkStatement(statement, '$.Statement', ctx);
}

function parseInput(input: unknown, sink: IssueSink, maxBytes: number): { readonly doc: unknown } | undefined {
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  const bytes = text === undefined ? 0 : utf8Length(text);
  if (bytes > maxBytes) {
    sink.error('POLICY_TOO_LARGE', '$', `the policy is ${bytes} bytes; the limit is ${maxBytes}`);
    return undefined;
  }
  if (typeof input !== 'string') return { doc: input };
  const read = readJson(input);
  if (read.error !== undefined) {
    sink.error('JSON_INVALID', '$', `not valid JSON: ${read.error}`);
    return undefined;
  }
  for (const path of read.duplicates) sink.error('JSON_DUPLICATE_KEY', path, 'a key may appear only once in an object');
  return { doc: read.value };
}

/** The document (when it parsed) with every issue; compile.ts uses it to tolerate stale attribute keys. */
export function checkPolicy(
  input: unknown,
  options: ValidateOptions,
): { readonly doc: unknown; readonly sink: IssueSink } {
  const sink = new IssueSink();
  const parsed = parseInput(input, sink, options.maxBytes ?? DEFAULT_MAX_POLICY_BYTES);
  if (parsed !== undefined) {
    checkDocument(parsed.doc, {
      sink,
      kind: options.kind ?? 'identity',
      registry: options.registry ?? DEFAULT_REGISTRY,
      sids: new Set(),
    });
  }
  return { doc: parsed?.doc, sink };
}

export function validatePolicy(input: unknown, options: ValidateOptions = {}): ValidationResult {
  const { doc, sink } = checkPolicy(input, options);
  if (sink.errors.length > 0 || doc === undefined) return { ok: false, errors: sink.errors, warnings: sink.warnings };
  return { ok: true, policy: doc as PolicyDocument, warnings: sink.warnings };
}
