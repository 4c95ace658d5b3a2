/**
 * SRN patterns for Resource, Principal-free conditions (`Srn…` operators) and the like (POL-4, items 12–14):
 * - `"*"` alone matches every resource, including the `"*"` resource of actions without resource support;
 * - `srn`, offering, account id and service are literal; a wildcard there is SRN_WILDCARD_NOT_ALLOWED;
 * - region and the `type/id` field take `*` and `?`; inside `type/id` a `*` may cross `/`;
 * - an empty account means the policy owner's account, an empty region means any region (item 14).
 * Matching is field by field and case-sensitive, so a wildcard never crosses a `:`.
 */
import { compileGlob, type GlobMatcher } from './glob.js';
import {
  checkFixedFields,
  isAccountId,
  isResourceType,
  splitSrnFields,
  srnError,
  type Srn,
  type SrnError,
} from './srn.js';

export interface SrnPattern {
  readonly source: string;
  /** `"*"`: every resource. */
  readonly any: boolean;
  readonly offering: string;
  readonly account: string;
  readonly region: string;
  readonly service: string;
  readonly typeId: string;
}

export type SrnPatternResult =
  { readonly ok: true; readonly pattern: SrnPattern } | { readonly ok: false; readonly error: SrnError };

/** The fields a pattern compares, with `type/id` kept whole (it is one glob field). */
export interface SrnParts {
  readonly offering: string;
  readonly account: string;
  readonly region: string;
  readonly service: string;
  readonly typeId: string;
}

export interface CompiledSrnPattern {
  readonly source: string;
  readonly any: boolean;
  matchesParts(parts: SrnParts): boolean;
  matches(srn: Srn): boolean;
}

const REGION_PATTERN = /^[a-z0-9*?-]*$/;
const TYPE_ID_PATTERN = /^[^\s]+$/;

export function srnParts(srn: Srn): SrnParts {
  return {
    offering: srn.offering,
    account: srn.account,
    region: srn.region,
    service: srn.service,
    typeId: `${srn.resourceType}/${srn.resourceId}`,
  };
}

export function parseSrnPattern(value: string): SrnPatternResult {
  if (value === '*') {
    return {
      ok: true,
      pattern: { source: value, any: true, offering: '', account: '', region: '', service: '', typeId: '*' },
    };
  }
  const f = splitSrnFields(value);
  if (f === undefined) return srnError('SRN_INVALID', 'an SRN pattern is "*" or has 8 colon-separated fields');
  const fixed = checkFixedFields(f);
  if (fixed !== undefined) return { ok: false, error: fixed };
  const [, offering = '', , account = '', region = '', , service = '', typeId = ''] = f;
  if (account !== '' && !isAccountId(account)) {
    return srnError(
      'SRN_INVALID',
      `the account field is empty (the policy owner) or a 32-hex account id, not "${account}"`,
    );
  }
  if (!REGION_PATTERN.test(region)) return srnError('SRN_INVALID', `invalid region pattern "${region}"`);
  const slash = typeId.indexOf('/');
  const typeOk =
    slash < 0 ? typeId.includes('*') : /[*?]/.test(typeId.slice(0, slash)) || isResourceType(typeId.slice(0, slash));
  if (!TYPE_ID_PATTERN.test(typeId) || !typeOk || (slash >= 0 && slash === typeId.length - 1)) {
    return srnError('SRN_INVALID', `invalid "{resourceType}/{id}" pattern "${typeId}"`);
  }
  return { ok: true, pattern: { source: value, any: false, offering, account, region, service, typeId } };
}

const anyPattern = (source: string): CompiledSrnPattern => ({
  source,
  any: true,
  matchesParts: () => true,
  matches: () => true,
});

/** Compile once per policy; `ownerAccount` fills an empty account field (item 14). */
export function compileSrnPattern(pattern: SrnPattern, ownerAccount: string): CompiledSrnPattern {
  if (pattern.any) return anyPattern(pattern.source);
  const { offering, service } = pattern;
  const account = pattern.account === '' ? ownerAccount : pattern.account;
  const region: GlobMatcher | undefined = pattern.region === '' ? undefined : compileGlob(pattern.region);
  const typeId = compileGlob(pattern.typeId);
  const matchesParts = (p: SrnParts): boolean =>
    p.account === account &&
    p.service === service &&
    p.offering === offering &&
    (region === undefined || region(p.region)) &&
    typeId(p.typeId);
  return { source: pattern.source, any: false, matchesParts, matches: (srn) => matchesParts(srnParts(srn)) };
}
