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
const LOWER = 1, DIGIT = 2, HEX = 4, DASH = 8, UPPER_UNDERSCORE = 16, ID = 32;
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

const first = (v: string, mask: number): boolean => v.length > 0 && v.charCodeAt(0) < 128 && ((CLASS[v.charCodeAt(0)] as number) & mask) !== 0;

/** `[a-z][a-z0-9-]*`: offerings and services. */
export const isName = (v: string): boolean => first(v, LOWER) && every(v, NAME, 1);
export const isRegion = (v: string): boolean => every(v, NAME);
/** `[A-Za-z0-9][A-Za-z0-9_-]*` */
export const isResourceType = (v: string): boolean => first(v, LOWER | DIGIT | UPPER_UNDERSCORE) && v.charCodeAt(0) !== 95 && every(v, TYPE, 1);
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
    return { code: 'SRN_WILDCARD_NOT_ALLOWED', message: 'offering, account id and service may not use wildcards (POL-4)' };
  }
  if (!isName(offering)) return { code: 'SRN_INVALID', message: `invalid offering "${offering}"` };
  if (empty1 !== '' || empty2 !== '') return { code: 'SRN_INVALID', message: 'the 3rd and 6th SRN fields must be empty' };
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
  if (!isRegion(region)) return srnError(hasWildcard(region) ? 'SRN_WILDCARD_NOT_ALLOWED' : 'SRN_INVALID', `invalid region "${region}"`);
  const slash = typeId.indexOf('/');
  const resourceType = typeId.slice(0, slash);
  const resourceId = typeId.slice(slash + 1);
  if (slash < 0 || !isResourceType(resourceType) || !isResourceId(resourceId)) {
    return srnError(hasWildcard(typeId) ? 'SRN_WILDCARD_NOT_ALLOWED' : 'SRN_INVALID', `invalid "{resourceType}/{id}" part "${typeId}"`);
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
 * `parseSrn` for the hot path: the same rules, checked on index ranges of the input so that only the
 * fields kept are sliced. Undefined when the value is not a valid concrete SRN.
 */
export function parseSrnFields(v: string): SrnFields | undefined {
  // srn:{offering}::{account}:{region}::{service}:{type}/{id}
  if (!v.startsWith('srn:')) return undefined;
  const c1 = v.indexOf(':', 4);
  if (c1 < 5 || v.charCodeAt(c1 + 1) !== 58 || !every(v, NAME, 4, c1) || !first(v.slice(4, 5), LOWER)) return undefined;
  const a = c1 + 2;
  if (v.charCodeAt(a + 32) !== 58 || !every(v, HEX, a, a + 32)) return undefined;
  const c4 = v.indexOf(':', a + 33);
  if (c4 < 0 || v.charCodeAt(c4 + 1) !== 58 || !every(v, NAME, a + 33, c4)) return undefined;
  const sv = c4 + 2;
  const c6 = v.indexOf(':', sv);
  if (c6 <= sv || !every(v, NAME, sv, c6) || !LOWER_AT(v, sv)) return undefined;
  const slash = v.indexOf('/', c6 + 1);
  if (slash < 0 || slash === v.length - 1 || !every(v, TYPE, c6 + 1, slash) || !every(v, ID, slash + 1)) return undefined;
  const resourceType = v.slice(c6 + 1, slash);
  if (!isResourceType(resourceType)) return undefined;
  return {
    offering: v.slice(4, c1),
    account: v.slice(a, a + 32),
    region: v.slice(a + 33, c4),
    service: v.slice(sv, c6),
    typeId: v.slice(c6 + 1),
    resourceType,
  };
}

const LOWER_AT = (v: string, i: number): boolean => {
  const c = v.charCodeAt(i);
  return c >= 97 && c <= 122;
};
