/**
 * Concrete SRNs (TEN-2): `srn:{offering}::{accountId}:{region}::{service}:{resourceType}/{id}`. The 8th
 * field is everything after the 7th colon, so an id may itself contain `:` or `/` (notes/policy.md item 11).
 */
import { hasWildcard } from './glob.js';

export interface Srn {
  readonly offering: string;
  readonly account: string;
  readonly region: string;
  readonly service: string;
  readonly resourceType: string;
  readonly resourceId: string;
}

export interface SrnError {
  readonly code: 'SRN_INVALID' | 'SRN_WILDCARD_NOT_ALLOWED';
  readonly message: string;
}

export type SrnResult = { readonly ok: true; readonly srn: Srn } | { readonly ok: false; readonly error: SrnError };

// Character classes as bits in a table rather than regexes or predicate callbacks: SRNs are parsed on
// every evaluation, and one monomorphic loop over a table is several times faster than either.
const LOWER = 1,
  DIGIT = 2,
  HEX = 4,
  DASH = 8,
  UPPER_UNDERSCORE = 16,
  ID = 32;
const CLASS = new Uint8Array(128);
for (let c = 33; c < 127; c++) CLASS[c] = c === 42 || c === 63 ? 0 : ID; // no space, control, * or ?
for (let c = 97; c <= 122; c++) CLASS[c]! |= LOWER | (c <= 102 ? HEX : 0);
for (let c = 48; c <= 57; c++) CLASS[c]! |= DIGIT | HEX;
for (let c = 65; c <= 90; c++) CLASS[c]! |= UPPER_UNDERSCORE;
CLASS[95]! |= UPPER_UNDERSCORE;
CLASS[45]! |= DASH;
const NAME = LOWER | DIGIT | DASH;
const TYPE = NAME | UPPER_UNDERSCORE;

function every(value: string, mask: number, from = 0, to = value.length): boolean {
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 ? mask !== ID : ((CLASS[c] as number) & mask) === 0) return false;
  }
  return true;
}

const first = (v: string, mask: number): boolean =>
  v.length > 0 && v.charCodeAt(0) < 128 && ((CLASS[v.charCodeAt(0)] as number) & mask) !== 0;

/** `[a-z][a-z0-9-]*`: offerings and services. */
export const isName = (v: string): boolean => first(v, LOWER) && every(v, NAME, 1);
export const isRegion = (v: string): boolean => every(v, NAME);
/** `[A-Za-z0-9][A-Za-z0-9_-]*` */
export const isResourceType = (v: string): boolean =>
  first(v, LOWER | DIGIT | UPPER_UNDERSCORE) && v.charCodeAt(0) !== 95 && every(v, TYPE, 1);
const isResourceId = (v: string): boolean => v.length > 0 && every(v, ID);

/** 32 lower-case hex characters (TEN-1). */
export function isAccountId(value: string): boolean {
  return value.length === 32 && every(value, HEX);
}

/** The 8 fields of an SRN-shaped string, or undefined when it has fewer than 7 colons. */
export function splitSrnFields(value: string): string[] | undefined {
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < 7; i++) {
    const colon = value.indexOf(':', start);
    if (colon < 0) return undefined;
    fields.push(value.slice(start, colon));
    start = colon + 1;
  }
  fields.push(value.slice(start));
  return fields;
}

export function srnError(code: SrnError['code'], message: string): { ok: false; error: SrnError } {
  return { ok: false, error: { code, message } };
}

/** Fields that must be literal in every SRN and pattern: `srn`, offering, the two empty slots, service. */
export function checkFixedFields(f: readonly string[]): SrnError | undefined {
  const [prefix, offering = '', empty1, , , empty2, service = ''] = f;
  if (prefix !== 'srn') return { code: 'SRN_INVALID', message: 'an SRN starts with "srn:"' };
  if (hasWildcard(offering) || hasWildcard(service) || hasWildcard(f[3] ?? '')) {
    return {
      code: 'SRN_WILDCARD_NOT_ALLOWED',
      message: 'offering, account id and service may not use wildcards (POL-4)',
    };
  }
  if (!isName(offering)) return { code: 'SRN_INVALID', message: `invalid offering "${offering}"` };
  if (empty1 !== '' || empty2 !== '')
    return { code: 'SRN_INVALID', message: 'the 3rd and 6th SRN fields must be empty' };
  if (!isName(service)) return { code: 'SRN_INVALID', message: `invalid service "${service}"` };
  return undefined;
}

export function parseSrn(value: string): SrnResult {
  const f = splitSrnFields(value);
  if (f === undefined) return srnError('SRN_INVALID', 'an SRN has 8 colon-separated fields');
  const fixed = checkFixedFields(f);
  if (fixed !== undefined) return { ok: false, error: fixed };
  const [, offering = '', , account = '', region = '', , service = '', typeId = ''] = f;
  if (!isAccountId(account)) return srnError('SRN_INVALID', 'the account id is 32 lower-case hex characters');
  if (!isRegion(region))
    return srnError(hasWildcard(region) ? 'SRN_WILDCARD_NOT_ALLOWED' : 'SRN_INVALID', `invalid region "${region}"`);
  const slash = typeId.indexOf('/');
  const resourceType = typeId.slice(0, slash);
  const resourceId = typeId.slice(slash + 1);
  if (slash < 0 || !isResourceType(resourceType) || !isResourceId(resourceId)) {
    return srnError(
      hasWildcard(typeId) ? 'SRN_WILDCARD_NOT_ALLOWED' : 'SRN_INVALID',
      `invalid "{resourceType}/{id}" part "${typeId}"`,
    );
  }
  return { ok: true, srn: { offering, account, region, service, resourceType, resourceId } };
}

export function formatSrn(srn: Srn): string {
  return `srn:${srn.offering}::${srn.account}:${srn.region}::${srn.service}:${srn.resourceType}/${srn.resourceId}`;
}

/** A parsed SRN in the shape patterns compare: `type/id` kept whole, plus the resource type alone. */
export interface SrnFields {
  readonly offering: string;
  readonly account: string;
  readonly region: string;
  readonly service: string;
  readonly typeId: string;
  readonly resourceType: string;
}

/**
 * `parseSrn` for the hot path: the same rules as one regular expression (V8 compiles it to machine code,
 * which checks the characters faster than a JS loop), then the field boundaries found with `indexOf`
 * (no field but the id can hold a `:`, no resource type a `/`); only the fields kept are sliced.
 * Undefined when the value is not a valid concrete SRN. The id class is the `ID` class above: printable,
 * no space, `*` or `?`, and any code unit from U+0080 up.
 */
export function parseSrnFields(v: string): SrnFields | undefined {
  if (typeof v !== 'string' || !CONCRETE_SRN.test(v)) return undefined;
  const c1 = v.indexOf(':', 5);
  const a = c1 + 2;
  const c4 = v.indexOf(':', a + 33);
  const sv = c4 + 2;
  const c6 = v.indexOf(':', sv);
  const slash = v.indexOf('/', c6);
  return new ParsedSrnFields(
    v.slice(4, c1),
    v.slice(a, a + 32),
    v.slice(a + 33, c4),
    v.slice(sv, c6),
    v.slice(c6 + 1),
    v.slice(c6 + 1, slash),
  );
}

// srn:{offering}::{account}:{region}::{service}:{type}/{id}
const CONCRETE_SRN =
  // eslint-disable-next-line no-control-regex -- a resource id never holds a control character or a space
  /^srn:[a-z][a-z0-9-]*::[0-9a-f]{32}:[a-z0-9-]*::[a-z][a-z0-9-]*:[A-Za-z0-9][A-Za-z0-9_-]*\/[^\x00-\x20\x7f*?]+$/;

/** One class for every parsed SRN, so the pattern matchers that read it see a single shape. */
class ParsedSrnFields implements SrnFields {
  constructor(
    readonly offering: string,
    readonly account: string,
    readonly region: string,
    readonly service: string,
    readonly typeId: string,
    readonly resourceType: string,
  ) {}
}
