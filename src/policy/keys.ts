/**
 * Condition keys (items 27–30): which keys exist, how their names are normalised, and where their value
 * comes from. Names are case-insensitive, except the bracketed field of `RequestAttribute/body[…]` and
 * `/query[…]`, which are matched exactly (§2 row 12). Header names ignore case, as HTTP does.
 */
import { resolveAttributeKey, type ResolvedAttributeKey, type ResourceRegistry } from './registry.js';

export const GLOBAL_KEYS = [
  'scp:UserId',
  'scp:UserName',
  'scp:MultiFactorAuthPresent',
  'scp:RequestedRegion',
  'scp:TagKeys',
  'scp:SourceIp',
  'scp:CurrentTime',
  'scp:AuthType',
  'scp:PrincipalType',
  'scp:SourceIdentity',
] as const;

const GLOBAL_LOWER = new Set(GLOBAL_KEYS.map((k) => k.toLowerCase()));
/** Keys that carry several values; without a qualifier they behave as ForAnyValue and draw a warning. */
export const MULTI_VALUED_KEYS = new Set(['scp:tagkeys']);

const REQUEST_ATTRIBUTE = /^scp:requestattribute\/(body|query|header)\[(.+)\]$/i;
const EXACT_BRACKETS = /^scp:requestattribute\/(?:body|query)\[/i;

/** Where the case-insensitive part of a key name ends: before the bracketed name, or at its end. */
export function caseInsensitiveLength(key: string): number {
  const exact = EXACT_BRACKETS.exec(key);
  return exact === null ? key.length : exact[0].length;
}

export function normalizeKey(key: string): string {
  const n = caseInsensitiveLength(key);
  return n === key.length ? key.toLowerCase() : key.slice(0, n).toLowerCase() + key.slice(n);
}

export type KeySource =
  | { readonly kind: 'request'; readonly name: string }
  | { readonly kind: 'resourceTag'; readonly tag: string }
  | { readonly kind: 'attribute'; readonly key: ResolvedAttributeKey }
  | {
      readonly kind: 'unresolved';
      readonly code: 'KEY_UNKNOWN' | 'KEY_NOT_ABAC' | 'KEY_AMBIGUOUS';
      readonly message: string;
    };

const RESOURCE_TAG = 'scp:resourcetag/';
const REQUEST_TAG = 'scp:requesttag/';
/** A role session's tags (TOK-2 `tags`), read from the principal's claims, never from the request context. */
export const PRINCIPAL_TAG = 'scp:principaltag/';
const tagKey = (name: string, prefix: string): boolean => name.startsWith(prefix) && name.length > prefix.length;

export function classifyKey(key: string, registry: ResourceRegistry): KeySource {
  const name = normalizeKey(key);
  if (name.startsWith('scp:')) {
    if (
      GLOBAL_LOWER.has(name) ||
      tagKey(name, REQUEST_TAG) ||
      tagKey(name, PRINCIPAL_TAG) ||
      REQUEST_ATTRIBUTE.test(name)
    ) {
      return { kind: 'request', name };
    }
    if (tagKey(name, RESOURCE_TAG)) return { kind: 'resourceTag', tag: name.slice(RESOURCE_TAG.length) };
    return { kind: 'unresolved', code: 'KEY_UNKNOWN', message: `unknown global condition key "${key}"` };
  }
  const resolved = resolveAttributeKey(registry, key);
  return resolved.ok
    ? { kind: 'attribute', key: resolved.key }
    : { kind: 'unresolved', code: resolved.code, message: resolved.message };
}
