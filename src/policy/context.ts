/**
 * The request as the evaluator reads it: the action lower-cased once, the context map built lazily on the
 * first condition that needs it (most statements never get that far), and claim-derived keys (TOK-2) read
 * straight from the principal so a caller-supplied context cannot override them.
 */
import { parseSrnFields, type SrnFields } from '../srn/srn.js';
import { normalizeKey } from './keys.js';
import type { ResolvedAttributeKey } from './registry.js';
import type { AuthorizationRequest, ContextValue, PrincipalClaims, RequestResource } from './types.js';

/** A resolved key: absent, one value, or several (item 22). */
export type Values = string | readonly string[] | undefined;

/** null, undefined and [] are absent; scalars become strings (item 2). */
export function toValues(value: ContextValue): Values {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value !== 'object') return String(value);
  return value.length === 0 ? undefined : value.map(String);
}

function lowerMap(record: Readonly<Record<string, ContextValue>> | undefined, key: (k: string) => string): Map<string, Values> {
  const map = new Map<string, Values>();
  if (record !== undefined) for (const k of Object.keys(record)) map.set(key(k), toValues(record[k]));
  return map;
}

const lower = (k: string): string => k.toLowerCase();

export class RequestView {
  readonly action: string;
  /** The lower-cased service part of the action, which indexes each policy's statements. */
  readonly service: string;
  readonly principal: PrincipalClaims;
  private contextMap: Map<string, Values> | undefined;

  constructor(readonly request: AuthorizationRequest) {
    this.action = request.action.toLowerCase();
    const colon = this.action.indexOf(':');
    this.service = colon < 0 ? '' : this.action.slice(0, colon);
    this.principal = request.principal;
  }

  /** A request-level key by its normalised name (keys.ts). */
  get(name: string): Values {
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
        return new Date(this.request.now).toISOString();
      default:
        this.contextMap ??= lowerMap(this.request.context, normalizeKey);
        return this.contextMap.get(name);
    }
  }
}

/** One resource of the request, parsed once; tags and attributes are lower-cased on first use. */
export class ResourceView {
  readonly star: boolean;
  readonly parts: SrnFields | undefined;
  private tagMap: Map<string, Values> | undefined;
  private attributeMap: Map<string, Values> | undefined;

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

  tag(key: string): Values {
    this.tagMap ??= lowerMap(this.source?.tags, lower);
    return this.tagMap.get(key);
  }

  attribute(key: ResolvedAttributeKey): Values {
    if (this.parts === undefined || this.parts.service !== key.serviceType || this.parts.resourceType !== key.resourceType) return undefined;
    this.attributeMap ??= lowerMap(this.source?.attributes, lower);
    return this.attributeMap.get(key.attribute);
  }
}
