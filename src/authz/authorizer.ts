/**
 * The policy decision point of the gateway (ENT-7, POL-7): the admin API asks it before every handler, and
 * `POST /v1/authorize` asks it for other services. It takes the principal's policies from
 * `applicablePolicies` (applicable.ts: the one place that says which policies apply), compiles them
 * through a bounded PolicyCache keyed by policy id + `policyVersion` (never per request) and evaluates
 * with the pure evaluator. No Koa, no mongoose.
 *
 * Gathering reads the store several times per request (user, groups, each policy). When the caller read
 * the principal's IAM epoch in this request's session check (`context.policyEpoch`, epochs.ts),
 * the gathered set is kept in a bounded local cache keyed by (account, principal, project, epoch): any
 * IAM write that can change it replaces the epoch, so the next request on any instance misses.
 *
 * A role session started with a session policy (its credential names the digest, `Principal.sessionPolicy`)
 * gets that policy as the evaluator's `session` set in every decision (session-policy.ts). It joins the
 * gathered set, so every cache here holds it with the rest: the set cache key carries the digest, and the
 * decisions remembered per principal object are of the set that includes it.
 */
import type { Principal } from '../auth/principal.js';
import { toClaims } from '../auth/principal.js';
import type { Clock } from '../clock.js';
import {
  PolicyCache,
  evaluate,
  type AuthorizationRequest,
  type CompiledPolicy,
  type ContextValue,
  type Decision,
  type DecisionKind,
  type PolicyDocument,
  type PolicySet,
  type RequestResource,
  type StatementRef,
} from '../policy/index.js';
import { parseSrn } from '../srn/index.js';
import type { Policy, Store } from '../store/ports.js';
import { deepFreeze } from '../frozen.js';
import { Lru } from '../cache/lru.js';
import { specialiseBuiltin } from './self.js';
import { applicablePolicies } from './applicable.js';
import { SessionPolicies } from './session-policy.js';
import { IAM_SERVICE } from './srn.js';
import type { SessionStore } from '../sessions/ports.js';

export interface AuthorizeContext {
  /**
   * The account the request acts in. Actions without resource-level support use the resource `"*"`,
   * which carries no account: the authorizer then compares this with the principal's account, so an
   * `iam:*` on `"*"` of account A never reaches account B. Defaults to the principal's account.
   */
  accountId?: string;
  /** The project the resources belong to: adds the groups' project-scope bindings of that project (ENT-4). */
  projectId?: string;
  /** Request context keys for conditions (`scp:SourceIp`, `scp:RequestedRegion` …). */
  values?: Readonly<Record<string, ContextValue>>;
  /**
   * Resource-based policies of the resources asked about (by SRN): the other side of a cross-account
   * request (POL-7), e.g. a role's trust as seen by `iam:assumeRole` (src/roles).
   */
  resourcePolicies?: Readonly<Record<string, CompiledPolicy>>;
  /**
   * The principal's IAM epoch (`policyEpochKeyOf`) as read in this request's session/revocation check,
   * `''` when never bumped. Only with it may the policy set come from the cache; never pass a value that
   * was not read for this very request.
   */
  policyEpoch?: string;
}

export type ResourceInput = string | RequestResource;

export interface AuthorizationResult {
  allowed: boolean;
  decision: DecisionKind;
  action: string;
  /** The SRNs (or `"*"`) that were asked about. */
  resources: string[];
  /** Policy id + Sid of the statements that decided (POL-7), for audit and the 403 body. */
  deciding: readonly StatementRef[];
  /** Why the request was refused before evaluation, when it was (`CROSS_ACCOUNT`, `PRINCIPAL_INACTIVE` …). */
  reason: string | null;
  /** The evaluator's full answer (absent when refused before evaluation). */
  evaluation: Decision | null;
}

export interface AuthorizerDeps {
  store: Pick<Store, 'users' | 'groups' | 'policies' | 'roles'>;
  clock: Clock;
  /** Compiled policies held across requests (default: a cache of 1,000 entries). */
  cache?: PolicyCache;
  /** Gathered policy sets under an epoch (default 10,000 entries, each kept at most 60 s). */
  policySets?: { size?: number; maxAgeMs?: number };
  /** Told every decision, refusals before evaluation included (OPS-4 decision metrics). */
  onDecision?: (decision: AuthorizationResult['decision']) => void;
  /**
   * Where session policies are read (the session records). Without it a principal whose credential names
   * a session policy is refused (`SESSION_POLICY_UNAVAILABLE`), never judged without it.
   */
  sessions?: Pick<SessionStore, 'get'>;
}

/** The evaluator's policy set (identity, plus the session policy of a role session that has one), or a refusal. */
type Gathered = PolicySet | string;
interface GatheredSet {
  value: Gathered;
  untilMs: number;
  /** No policy of the set has a Condition (CompiledPolicy.conditionFree). */
  conditionFree: boolean;
}

/**
 * What one principal object was last given. `decisions` holds its decisions under `set` (a new set — epoch
 * moved, set aged out — comes with a new Recent, so they start afresh): only for condition-free sets, one
 * SRN and no context, and only from the principal's second decision on, so that a token seen once (the
 * all-distinct-tokens load) never pays for a map. Results are deep-frozen (frozen.ts), so callers may keep
 * what they derive from one by identity (tokens/authorize.ts does).
 */
interface Recent {
  epoch: string;
  projectId: string | undefined;
  set: GatheredSet;
  decisions: Map<string, AuthorizationResult> | undefined;
  decided: boolean;
}

function decisionsOf(recent: Recent): Map<string, AuthorizationResult> | undefined {
  if (recent.decisions !== undefined || !recent.set.conditionFree) return recent.decisions;
  if (!recent.decided) {
    recent.decided = true;
    return undefined;
  }
  return (recent.decisions = new Map());
}

/** Distinct (action, resource) decisions kept per principal object; the map starts afresh when full. */
const DECISIONS_PER_PRINCIPAL = 16;

const refused = (action: string, resources: string[], reason: string): AuthorizationResult => ({
  allowed: false,
  decision: 'ImplicitDeny',
  action,
  resources,
  deciding: [],
  reason,
  evaluation: null,
});

export class Authorizer {
  readonly cache: PolicyCache;
  private readonly sets: Lru<string, GatheredSet>;
  /** Per principal object, the set it was last given, under which epoch and project, and its decisions. */
  private readonly recent = new WeakMap<Principal, Recent>();
  /**
   * A safety net, not the invalidation: epochs do that. It bounds what a lost epoch bump (the session
   * store failing between an IAM write and its second bump) or an epoch key lost with a flushed Redis
   * could leave stale.
   */
  private readonly maxAgeMs: number;
  private readonly sessionPolicies: SessionPolicies;

  constructor(private readonly deps: AuthorizerDeps) {
    this.sessionPolicies = new SessionPolicies(deps.sessions);
    this.cache = deps.cache ?? new PolicyCache(1000);
    this.sets = new Lru(deps.policySets?.size ?? 10_000);
    this.maxAgeMs = deps.policySets?.maxAgeMs ?? 60_000;
  }

  async authorize(
    principal: Principal,
    action: string,
    resources: ResourceInput | readonly ResourceInput[],
    context: AuthorizeContext = {},
  ): Promise<AuthorizationResult> {
    const result = await this.decide(principal, action, resources, context);
    this.deps.onDecision?.(result.decision);
    return result;
  }

  private async decide(
    principal: Principal,
    action: string,
    resources: ResourceInput | readonly ResourceInput[],
    context: AuthorizeContext,
  ): Promise<AuthorizationResult> {
    const list: readonly ResourceInput[] = Array.isArray(resources) ? resources : [resources as ResourceInput];
    const srns = list.map((r) => (typeof r === 'string' ? r : r.srn));

    const targetAccount = context.accountId ?? principal.accountId;
    if (srns.includes('*') && targetAccount !== principal.accountId) return refused(action, srns, 'CROSS_ACCOUNT');

    const projectId = context.projectId ?? projectOf(srns);
    const recent =
      context.policyEpoch === undefined ? undefined : await this.recentSet(principal, projectId, context.policyEpoch);
    const gathered = recent === undefined ? await this.policySet(principal, projectId) : recent.set.value;
    if (typeof gathered === 'string') return refused(action, srns, gathered);
    // One resource named by SRN, no request context, policies without conditions: the verdict is a pure
    // function of (principal, policy set, action, resource), so it is remembered per principal object.
    const memo =
      recent !== undefined &&
      context.values === undefined &&
      context.resourcePolicies === undefined &&
      srns.length === 1 &&
      typeof list[0] === 'string'
        ? decisionsOf(recent)
        : undefined;
    // Length-prefixed: the action is free text (NUL included), so no separator alone keeps two pairs apart.
    const memoKey = memo === undefined ? '' : `${action.length}:${action}${srns[0]}`;
    const known = memo?.get(memoKey);
    if (known !== undefined) return known;
    const now = this.deps.clock.now();
    const request: AuthorizationRequest =
      context.values === undefined
        ? { principal: toClaims(principal), action, resources: list, now }
        : { principal: toClaims(principal), action, resources: list, now, context: context.values };
    const evaluation = evaluate(
      request,
      context.resourcePolicies === undefined ? gathered : { ...gathered, resource: context.resourcePolicies },
    );
    const result: AuthorizationResult = {
      allowed: evaluation.allowed,
      decision: evaluation.decision,
      action,
      resources: srns,
      deciding: evaluation.deciding,
      reason: null,
      evaluation,
    };
    if (memo !== undefined) {
      if (memo.size >= DECISIONS_PER_PRINCIPAL) memo.clear();
      memo.set(memoKey, deepFreeze(result));
    }
    return result;
  }

  /**
   * The principal's policy set under an IAM epoch, from the cache when it may be. The same principal
   * object again (a repeated token: the verifier's cache hands back one object per token) under the same
   * epoch and project gets its last entry back without building and hashing the cache key.
   */
  private async recentSet(principal: Principal, projectId: string | undefined, epoch: string): Promise<Recent> {
    const now = this.deps.clock.now();
    const last = this.recent.get(principal);
    if (last !== undefined && last.epoch === epoch && last.projectId === projectId && now < last.set.untilMs)
      return last;
    const key = [
      epoch,
      principal.accountId,
      principal.type,
      principal.userId,
      principal.role ?? '',
      projectId ?? '',
      principal.sessionPolicy ?? '',
    ].join('\u0000');
    let set = this.sets.get(key);
    if (set === undefined || now >= set.untilMs) {
      const value = await this.policySet(principal, projectId);
      set = {
        value,
        untilMs: now + this.maxAgeMs,
        conditionFree:
          typeof value !== 'string' &&
          value.identity.every((p) => p.conditionFree) &&
          (value.session ?? []).every((p) => p.conditionFree),
      };
      this.sets.set(key, set);
    }
    const entry: Recent = { epoch, projectId, set, decisions: undefined, decided: false };
    this.recent.set(principal, entry);
    return entry;
  }

  /** The compiled policy set of a principal (its session policy included), or the reason it has none it may use. */
  private async policySet(principal: Principal, projectId: string | undefined): Promise<Gathered> {
    const [applicable, session] = await Promise.all([
      applicablePolicies(this.deps.store, principal, { projectId }),
      principal.sessionPolicy === undefined ? undefined : this.sessionPolicies.of(principal),
    ]);
    if (typeof applicable === 'string') return applicable;
    if (typeof session === 'string') return session;
    const identity = await this.compile(applicable.accountId, applicable.policyIds, applicable.callerId);
    return session === undefined ? { identity } : { identity, session: [session] };
  }

  private async compile(accountId: string, policyIds: readonly string[], callerId: string): Promise<CompiledPolicy[]> {
    const policies = await Promise.all(policyIds.map((id) => this.deps.store.policies.get(accountId, id)));
    return policies.filter((p): p is Policy => p !== null).map((p) => this.compileOne(p, callerId));
  }

  private compileOne(policy: Policy, callerId: string): CompiledPolicy {
    // Built-ins that speak of "the caller" are specialised per caller; the version key says so.
    const special = specialiseBuiltin(policy, callerId);
    const version = special === null ? policy.policyVersion : `${policy.policyVersion}:${callerId}`;
    const document = (special ?? policy.document) as unknown as PolicyDocument;
    return this.cache.compile(document, { id: policy.id, version, kind: 'identity', account: policy.accountId });
  }
}

/** A request on an IAM project resource belongs to that project. */
function projectOf(srns: readonly string[]): string | undefined {
  for (const s of srns) {
    // A project SRN ends in `:project/<id>`: SRNs without that text are not parsed at all (every
    // `/v1/authorize` passes here, and most name no project).
    const parsed = s === '*' || !s.includes(':project/') ? null : parseSrn(s);
    if (parsed?.ok === true && parsed.srn.service === IAM_SERVICE && parsed.srn.resourceType === 'project')
      return parsed.srn.resourceId;
  }
  return undefined;
}
