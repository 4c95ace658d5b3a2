/**
 * Public types of the shared policy evaluator (SPEC §7, notes/policy.md §1). These are API: other services
 * embed `iam-gateway/policy`, so change them only additively.
 */

import type { ResourceRegistry } from './registry.js';

// ── documents (POL-1) ──────────────────────────────────────────────────────────────────────────────────
export type PolicyKind = 'identity' | 'resource';
export type Effect = 'Allow' | 'Deny';
export type ConditionScalar = string | number | boolean;
/** `{ "[ForAnyValue:|ForAllValues:]Operator": { "key": value | [values] } }` */
export type ConditionBlock = Readonly<
  Record<string, Readonly<Record<string, ConditionScalar | readonly ConditionScalar[]>>>
>;

export interface PrincipalElement {
  readonly scp?: string | readonly string[];
  readonly Service?: string | readonly string[];
}

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: Effect;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Principal?: PrincipalElement;
  readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly Version: '2024-07-01';
  readonly Statement: PolicyStatement | readonly PolicyStatement[];
}

// ── validation (POL-2) ─────────────────────────────────────────────────────────────────────────────────
/** One problem found in a document: a stable code, a JSON path (`$.Statement[0].Action`) and a message. */
export interface PolicyIssue {
  readonly code: string;
  readonly path: string;
  readonly message: string;
}

export interface ValidateOptions {
  /** `resource` policies must name a Principal; `identity` policies must not (default `identity`). */
  readonly kind?: PolicyKind;
  /** Size limit of the JSON text in bytes (POL-2; default 10240). */
  readonly maxBytes?: number;
  /** Services, actions and `abac: true` attributes (default: the built-in catalogue). */
  readonly registry?: ResourceRegistry;
}

export type ValidationResult =
  | { readonly ok: true; readonly policy: PolicyDocument; readonly warnings: readonly PolicyIssue[] }
  | { readonly ok: false; readonly errors: readonly PolicyIssue[]; readonly warnings: readonly PolicyIssue[] };

// ── requests (POL-6, TOK-2) ────────────────────────────────────────────────────────────────────────────
/** A request-context value; `null`, `undefined` and `[]` all mean "absent" (notes/policy.md item 22). */
export type ContextValue = string | number | boolean | readonly (string | number | boolean)[] | null | undefined;

/**
 * How a credential was obtained (TOK-2 `auth`, `scp:AuthType`): a console login, an authentication key or
 * a temporary key (KEY-1, KEY-2), or a configured service's credential (a role session a service assumed).
 */
export const AUTH_METHODS = ['console', 'authkey', 'tempkey', 'service'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** The token claims the evaluator reads (TOK-2), plus a service principal for resource policies. */
export interface PrincipalClaims {
  /** Principal SRN (or the service name when `ptype` is `service`). */
  readonly sub: string;
  /** 32-hex account id of the principal. */
  readonly acct: string;
  readonly ptype: 'root' | 'user' | 'role-session' | 'federated' | 'service';
  readonly auth?: AuthMethod;
  readonly mfa?: boolean;
  readonly groups?: readonly string[];
  /** Role SRN of a role session: a resource policy naming the role matches every session of it. */
  readonly role?: string;
  readonly source?: string;
  readonly sessionName?: string;
  /** Session tags of a role session (`scp:PrincipalTag/{key}`, key case-insensitive). */
  readonly tags?: Readonly<Record<string, string>>;
  /** `scp:SourceIdentity`: set once when a chain of role sessions starts, carried unchanged. */
  readonly sourceIdentity?: string;
  /** `scp:UserName`; absent for role sessions and federated users. */
  readonly userName?: string;
  /** `scp:UserId`; defaults to the id part of `sub`. */
  readonly userId?: string;
}

/** One resource of the request with its own tags and `abac: true` attributes (item 1). */
export interface RequestResource {
  /** A concrete SRN, or `"*"` for actions without resource-level support (item 16). */
  readonly srn: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly attributes?: Readonly<Record<string, ContextValue>>;
}

export interface AuthorizationRequest {
  readonly principal: PrincipalClaims;
  /** `service:actionName`, compared case-insensitively (POL-3). */
  readonly action: string;
  /** One entry per resource the action touches; strings are shorthand for `{ srn }`. */
  readonly resources: readonly (RequestResource | string)[];
  /** Request context keys (`scp:SourceIp`, `scp:RequestedRegion`, …); names are case-insensitive. */
  readonly context?: Readonly<Record<string, ContextValue>>;
  /** The request time (`scp:CurrentTime`): the evaluator never reads the clock. Date or epoch ms. */
  readonly now: Date | number;
}

/**
 * A request parsed once by `prepareRequest` (its action and every resource SRN), for callers that evaluate
 * the same request against several policy sets. Opaque apart from the request it was made from, which
 * must not change afterwards. `evaluate` and `simulate` take it wherever they take a request.
 */
export interface PreparedRequest {
  readonly request: AuthorizationRequest;
}

// ── compiled policies and the policy set ───────────────────────────────────────────────────────────────
export interface CompileOptions {
  readonly id: string;
  readonly version?: string | number;
  readonly kind: PolicyKind;
  /** The account that owns the policy: an empty account in a Resource pattern means this one (item 14). */
  readonly account: string;
  /** Resolves resource-attribute condition keys (default: the built-in catalogue). */
  readonly registry?: ResourceRegistry;
}

/** Opaque to callers; produced by `compilePolicy` and held (e.g. in a `PolicyCache`) across requests. */
export interface CompiledPolicy {
  readonly id: string;
  readonly version: string | number | undefined;
  readonly kind: PolicyKind;
  readonly account: string;
  readonly statementCount: number;
  /**
   * No statement has a Condition: the policy's verdict on a request then depends only on the principal's
   * claims, the action and the resources (never the time or the request context), so a caller may reuse
   * an evaluation for the same principal, action and resource.
   */
  readonly conditionFree: boolean;
}

export interface PolicySet {
  /** The user's direct and group policies, or the role's policies for a role session (ROLE-5). */
  readonly identity: readonly CompiledPolicy[];
  /** The resource-based policy of each resource, keyed by the resource's SRN. */
  readonly resource?: Readonly<Record<string, CompiledPolicy>>;
  /**
   * The session policy of a role session (AssumeRole's inline `policy`, compiled as an identity policy):
   * when present the request is allowed only if these allow it too, and a Deny here denies. Absent means
   * no session policy; an empty array allows nothing.
   */
  readonly session?: readonly CompiledPolicy[];
}

// ── decisions (POL-7, item 37) ─────────────────────────────────────────────────────────────────────────
export type DecisionKind = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny' | 'Error';

export interface StatementRef {
  readonly policyId: string;
  /** The statement's Sid, when it has one. */
  readonly sid: string | undefined;
  /** 0-based position of the statement in its policy. */
  readonly index: number;
  readonly effect: Effect;
}

/** An evaluation error: it never grants (item 35), the whole request is denied and this is reported. */
export interface EvaluationIssue {
  readonly code: string;
  readonly message: string;
  readonly statement?: StatementRef;
  readonly resource?: string;
}

export interface ResourceDecision {
  readonly resource: string;
  readonly decision: DecisionKind;
  /** Allowed because the principal is the root user of the resource's account (item 34.2). */
  readonly root: boolean;
  readonly deciding: readonly StatementRef[];
  readonly matched: readonly StatementRef[];
}

export interface Decision {
  readonly allowed: boolean;
  readonly decision: DecisionKind;
  /** The statements that decided: the applicable Denies on a deny, every applicable Allow on an allow. */
  readonly deciding: readonly StatementRef[];
  /** Every statement that applied (action, resource, principal and condition all matched). */
  readonly matched: readonly StatementRef[];
  readonly resources: readonly ResourceDecision[];
  readonly errors: readonly EvaluationIssue[];
}

// ── simulator (POL-9) ──────────────────────────────────────────────────────────────────────────────────
export type StatementOutcome =
  'applied' | 'action-not-matched' | 'resource-not-matched' | 'principal-not-matched' | 'condition-false' | 'error';

export interface StatementTrace extends StatementRef {
  readonly resource: string;
  readonly outcome: StatementOutcome;
  /** For `condition-false` / `error`: the first condition entry that failed, e.g. `StringEquals scp:SourceIp`. */
  readonly failedCondition?: string;
}

export interface Simulation {
  readonly decision: Decision;
  /** Every statement of every policy, per resource, with its outcome. */
  readonly statements: readonly StatementTrace[];
}
