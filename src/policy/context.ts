/**
 * The request as the evaluator reads it. Nothing is copied per request: context keys, tags and attributes
 * are looked up in the caller's records ignoring case, on the first condition that needs them (most
 * statements never get that far); claim-derived keys (TOK-2) are read straight from the principal so a
 * caller-supplied context cannot override them.
 */
import { parseSrnFields, type SrnFields } from '../srn/srn.js';
import { PRINCIPAL_TAG, caseInsensitiveLength, normalizeKey } from './keys.js';
import type { ResolvedAttributeKey } from './registry.js';
import type { AuthorizationRequest, ContextValue, PrincipalClaims, RequestResource } from './types.js';

/** A resolved key: absent, one value, or several (item 22). */
export type Values = string | readonly string[] | undefined;

/** null, undefined and [] are absent; scalars become strings (item 2). */
export function toValues(value: ContextValue): Values {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value !== 'object') return String(value);
  if (value.length === 0) return undefined;
  for (let i = 0; i < value.length; i++) if (typeof value[i] !== 'string') return value.map(String);
  return value as readonly string[]; // read-only for the evaluator, so no copy
}

/**
 * Does the caller's key `raw` normalise to `name` (keys.ts `normalizeKey`)? Compared in place, without
 * lower-casing a copy: ASCII folds by a bit. A non-ASCII key takes the exact path (`toLowerCase` can change
 * its length, e.g. U+0130, or fold it into ASCII, e.g. the Kelvin sign).
 */
function sameKey(raw: string, name: string, ciLength: number, normalize: (k: string) => string): boolean {
  const n = raw.length;
  for (let i = 0; i < n; i++) {
    let c = raw.charCodeAt(i);
    if (c >= 128) return normalize(raw) === name;
    if (i >= name.length) return false;
    if (i < ciLength && c >= 65 && c <= 90) c += 32;
    if (c !== name.charCodeAt(i)) return false;
  }
  return n === name.length;
}

/**
 * The value of `name` in a caller's record whose keys are case-insensitive. Scanned from the end, so when
 * two keys differ only in case the last one wins, as a map built in key order would have it.
 */
function lookup(
  record: Readonly<Record<string, ContextValue>> | undefined,
  name: string,
  ciLength: number,
  normalize: (k: string) => string,
): Values {
  if (record === undefined) return undefined;
  const keys = Object.keys(record);
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i] as string;
    if (sameKey(k, name, ciLength, normalize)) return toValues(record[k]);
  }
  return undefined;
}

const lower = (k: string): string => k.toLowerCase();

export class RequestView {
  readonly principal: PrincipalClaims;
  private lowerAction: string | undefined = undefined;

  constructor(readonly request: AuthorizationRequest) {
    if (typeof request.action !== 'string') throw new TypeError('the request has no action');
    this.principal = request.principal;
  }

  /** The action lower-cased (POL-3), on first use: the evaluator's action index takes it as written. */
  get action(): string {
    return (this.lowerAction ??= this.request.action.toLowerCase());
  }

  /** A request-level key by its normalised name (keys.ts); `ciLength` from `caseInsensitiveLength(name)`. */
  get(name: string, ciLength: number = caseInsensitiveLength(name)): Values {
    const p = this.principal;
    switch (name) {
      case 'scp:multifactorauthpresent':
        return p.mfa === true ? 'true' : 'false';
      case 'scp:userid':
        return p.userId ?? p.sub.slice(p.sub.lastIndexOf('/') + 1);
      case 'scp:username':
        return p.ptype === 'role-session' || p.ptype === 'federated' ? undefined : p.userName;
      case 'scp:authtype':
        return p.auth;
      case 'scp:principaltype':
        return p.ptype;
      case 'scp:currenttime':
        return currentTime(this.request.now);
      case 'scp:sourceidentity':
        return p.sourceIdentity;
      default:
        // Session tags come from the claims, like the keys above: a request context cannot forge them.
        if (name.startsWith(PRINCIPAL_TAG))
          return lookup(p.tags, name.slice(PRINCIPAL_TAG.length), ciLength - PRINCIPAL_TAG.length, lower);
        return lookup(this.request.context, name, ciLength, normalizeKey);
    }
  }
}

/** One resource of the request, parsed once; tag and attribute names are matched ignoring case. */
export class ResourceView {
  readonly star: boolean;
  readonly parts: SrnFields | undefined;

  constructor(
    readonly srn: string,
    private readonly source: RequestResource | undefined,
  ) {
    this.star = srn === '*';
    this.parts = this.star ? undefined : parseSrnFields(srn);
  }

  /** Unparsable SRNs never match and make the request an error (item 35). */
  get invalid(): boolean {
    return !this.star && this.parts === undefined;
  }

  /** `key` is lower-case (keys.ts). */
  tag(key: string): Values {
    return lookup(this.source?.tags, key, key.length, lower);
  }

  attribute(key: ResolvedAttributeKey): Values {
    if (
      this.parts === undefined ||
      this.parts.service !== key.serviceType ||
      this.parts.resourceType !== key.resourceType
    )
      return undefined;
    return lookup(this.source?.attributes, key.attribute, key.attribute.length, lower);
  }
}

/**
 * `scp:CurrentTime` as AWS writes `aws:CurrentTime`: ISO 8601 to the second (`2026-11-23T10:00:00Z`), so a
 * string operator can match it (`StringLike "2026-11-23T10:*"`, `StringEquals "…T10:00:00Z"`); with
 * milliseconds (`…:00.000Z`) no string a policy author writes would. Date operators see the same second.
 */
export function currentTime(now: Date | number): string {
  const ms = typeof now === 'number' ? now : now.getTime();
  return new Date(ms - (((ms % 1000) + 1000) % 1000)).toISOString().replace('.000Z', 'Z');
}
