/**
 * Concrete SRNs (TEN-2): `srn:{offering}::{accountId}:{region}::{service}:{resourceType}/{id}`. The 8th
 * field is everything after the 7th colon, so an id may itself contain `:` or `/` (notes/policy.md item 11).
 */
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

export const OFFERING = /^[a-z][a-z0-9-]*$/;
export const ACCOUNT_ID = /^[0-9a-f]{32}$/;
export const REGION = /^[a-z0-9-]*$/;
export const SERVICE = /^[a-z][a-z0-9-]*$/;
export const RESOURCE_TYPE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const RESOURCE_ID = /^[^\s*?]+$/;

export function isAccountId(value: string): boolean {
  return ACCOUNT_ID.test(value);
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
  if (/[*?]/.test(offering) || /[*?]/.test(service) || /[*?]/.test(f[3] ?? '')) {
    return { code: 'SRN_WILDCARD_NOT_ALLOWED', message: 'offering, account id and service may not use wildcards (POL-4)' };
  }
  if (!OFFERING.test(offering)) return { code: 'SRN_INVALID', message: `invalid offering "${offering}"` };
  if (empty1 !== '' || empty2 !== '') return { code: 'SRN_INVALID', message: 'the 3rd and 6th SRN fields must be empty' };
  if (!SERVICE.test(service)) return { code: 'SRN_INVALID', message: `invalid service "${service}"` };
  return undefined;
}

export function parseSrn(value: string): SrnResult {
  const f = splitSrnFields(value);
  if (f === undefined) return srnError('SRN_INVALID', 'an SRN has 8 colon-separated fields');
  const fixed = checkFixedFields(f);
  if (fixed !== undefined) return { ok: false, error: fixed };
  const [, offering = '', , account = '', region = '', , service = '', typeId = ''] = f;
  if (!ACCOUNT_ID.test(account)) return srnError('SRN_INVALID', 'the account id is 32 lower-case hex characters');
  if (!REGION.test(region)) return srnError(/[*?]/.test(region) ? 'SRN_WILDCARD_NOT_ALLOWED' : 'SRN_INVALID', `invalid region "${region}"`);
  const slash = typeId.indexOf('/');
  const resourceType = typeId.slice(0, slash);
  const resourceId = typeId.slice(slash + 1);
  if (slash < 0 || !RESOURCE_TYPE.test(resourceType) || !RESOURCE_ID.test(resourceId)) {
    return srnError(/[*?]/.test(typeId) ? 'SRN_WILDCARD_NOT_ALLOWED' : 'SRN_INVALID', `invalid "{resourceType}/{id}" part "${typeId}"`);
  }
  return { ok: true, srn: { offering, account, region, service, resourceType, resourceId } };
}

export function formatSrn(srn: Srn): string {
  return `srn:${srn.offering}::${srn.account}:${srn.region}::${srn.service}:${srn.resourceType}/${srn.resourceId}`;
}
