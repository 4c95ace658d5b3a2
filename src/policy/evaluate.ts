/**
 * The decision (items 33–35, POL-7), computed per resource and combined:
 * 1. any applicable Deny (identity or the resource's policy) → ExplicitDeny;
 * 2. the root user in the resource's own account → Allow;
 * 3. same account: an applicable Allow on either side → Allow;
 * 4. across accounts: both an identity Allow and a resource-policy Allow (naming the principal) → Allow;
 * 5. otherwise ImplicitDeny. Any evaluation error → Error (denied, reported): errors never grant.
 * A session policy set (`PolicySet.session`, an STS-style inline session policy) only narrows: its Denies
 * join step 1, and an Allow of steps 2–4 stands only when a session statement allows too (intersection).
 * The request is allowed only when every resource is; one explicit deny anywhere denies it (item 15).
 */
import { PolicyProgram } from './compile.js';
import { RequestView, ResourceView } from './context.js';
import { APPLIED, ERRORED, conditionWith, outcomeForAction } from './statement.js';
import type {
  AuthorizationRequest,
  CompiledPolicy,
  Decision,
  DecisionKind,
  EvaluationIssue,
  PolicySet,
  PreparedRequest,
  RequestResource,
  ResourceDecision,
  StatementRef,
} from './types.js';

const NONE: readonly never[] = Object.freeze([]);

/** What one resource collected; arrays stay undefined until something lands in them. */
interface Tally {
  matched: StatementRef[] | undefined;
  denies: StatementRef[] | undefined;
  identityAllows: StatementRef[] | undefined;
  resourceAllows: StatementRef[] | undefined;
  sessionAllows: StatementRef[] | undefined;
  errors: EvaluationIssue[] | undefined;
}

/** Which set a scanned policy belongs to: its Allows count on that side. */
const IDENTITY = 0;
const RESOURCE = 1;
const SESSION = 2;
type Side = typeof IDENTITY | typeof RESOURCE | typeof SESSION;

function scan(policy: CompiledPolicy, req: RequestView, res: ResourceView, tally: Tally, side: Side): void {
  if (!(policy instanceof PolicyProgram)) {
    (tally.errors ??= []).push({
      code: 'EVAL_INTERNAL',
      message: `policy "${policy.id}" was not produced by compilePolicy`,
      resource: res.srn,
    });
    return;
  }
  const statements = policy.forAction(req.request.action);
  for (let i = 0; i < statements.length; i++) {
    const stmt = statements[i] as (typeof statements)[number];
    const outcome = outcomeForAction(stmt, req, res);
    if (outcome === APPLIED) {
      (tally.matched ??= []).push(stmt.ref);
      if (!stmt.allow) (tally.denies ??= []).push(stmt.ref);
      else if (side === IDENTITY) (tally.identityAllows ??= []).push(stmt.ref);
      else if (side === RESOURCE) (tally.resourceAllows ??= []).push(stmt.ref);
      else (tally.sessionAllows ??= []).push(stmt.ref);
    } else if (outcome === ERRORED) {
      const failed = conditionWith(stmt, req, res, 2);
      (tally.errors ??= []).push({
        code: failed?.unresolved === true ? 'EVAL_KEY_UNRESOLVED' : 'EVAL_VALUE_TYPE',
        message: `${failed?.label ?? 'a condition'} could not be evaluated on this request`,
        statement: stmt.ref,
        resource: res.srn,
      });
    }
  }
}

function decide(
  req: RequestView,
  res: ResourceView,
  t: Tally,
  narrowed: boolean,
): { decision: DecisionKind; deciding: readonly StatementRef[]; root: boolean } {
  if (t.errors !== undefined) return { decision: 'Error', deciding: t.denies ?? NONE, root: false };
  if (t.denies !== undefined) return { decision: 'ExplicitDeny', deciding: t.denies, root: false };
  // With a session policy nothing is allowed that it does not allow too, the root user's access included.
  const session = t.sessionAllows;
  if (narrowed && session === undefined) return { decision: 'ImplicitDeny', deciding: NONE, root: false };
  const p = req.principal;
  const account = res.parts === undefined ? p.acct : res.parts.account;
  if (p.ptype === 'root' && p.acct === account) return { decision: 'Allow', deciding: session ?? NONE, root: true };
  const id = t.identityAllows;
  const rp = t.resourceAllows;
  const allowed = p.acct === account ? id !== undefined || rp !== undefined : id !== undefined && rp !== undefined;
  if (!allowed) return { decision: 'ImplicitDeny', deciding: NONE, root: false };
  const deciding = id === undefined ? (rp as StatementRef[]) : rp === undefined ? id : [...id, ...rp];
  return { decision: 'Allow', deciding: session === undefined ? deciding : [...deciding, ...session], root: false };
}

interface ResourceResult extends ResourceDecision {
  readonly errors: readonly EvaluationIssue[];
}

function evaluateResource(req: RequestView, res: ResourceView, policies: PolicySet): ResourceResult {
  const srn = res.srn;
  const tally: Tally = {
    matched: undefined,
    denies: undefined,
    identityAllows: undefined,
    resourceAllows: undefined,
    sessionAllows: undefined,
    errors: undefined,
  };
  const session = policies.session;
  if (res.invalid)
    tally.errors = [{ code: 'EVAL_RESOURCE_INVALID', message: `"${srn}" is not an SRN or "*"`, resource: srn }];
  else {
    const identity = policies.identity;
    for (let i = 0; i < identity.length; i++) scan(identity[i] as CompiledPolicy, req, res, tally, IDENTITY);
    const resourcePolicy = res.star ? undefined : policies.resource?.[srn];
    if (resourcePolicy !== undefined) scan(resourcePolicy, req, res, tally, RESOURCE);
    if (session !== undefined)
      for (let i = 0; i < session.length; i++) scan(session[i] as CompiledPolicy, req, res, tally, SESSION);
  }
  const d = decide(req, res, tally, session !== undefined);
  return {
    resource: srn,
    decision: d.decision,
    root: d.root,
    deciding: d.deciding,
    matched: tally.matched ?? NONE,
    errors: tally.errors ?? NONE,
  };
}

export function resourceView(entry: RequestResource | string): ResourceView {
  return typeof entry === 'string' ? new ResourceView(entry, undefined) : new ResourceView(entry.srn, entry);
}

const SEVERITY: Readonly<Record<DecisionKind, number>> = { Allow: 0, ImplicitDeny: 1, ExplicitDeny: 2, Error: 3 };

function union(lists: readonly (readonly StatementRef[])[]): readonly StatementRef[] {
  return [...new Set(lists.flat())];
}

function combine(results: readonly ResourceResult[]): Decision {
  const only = results[0];
  if (results.length === 1 && only !== undefined) {
    return {
      allowed: only.decision === 'Allow',
      decision: only.decision,
      deciding: only.deciding,
      matched: only.matched,
      resources: results,
      errors: only.errors,
    };
  }
  let decision: DecisionKind = results.length === 0 ? 'Error' : 'Allow';
  for (const r of results) if (SEVERITY[r.decision] > SEVERITY[decision]) decision = r.decision;
  const errors = results.flatMap((r) => r.errors);
  if (results.length === 0) errors.push({ code: 'EVAL_RESOURCE_INVALID', message: 'the request names no resource' });
  const deciding =
    decision === 'ImplicitDeny' ? NONE : union(results.filter((r) => r.decision === decision).map((r) => r.deciding));
  return {
    allowed: decision === 'Allow',
    decision,
    deciding,
    matched: union(results.map((r) => r.matched)),
    resources: results,
    errors,
  };
}

/**
 * A request parsed once (action, every resource SRN) by `prepareRequest`, to be evaluated against several
 * policy sets, or again. Parsing never throws: a malformed request is kept as the error it evaluates to.
 */
export class Prepared implements PreparedRequest {
  readonly view: RequestView | undefined;
  readonly resources: readonly ResourceView[];
  readonly failure: string | undefined;

  constructor(readonly request: AuthorizationRequest) {
    let view: RequestView | undefined,
      resources: ResourceView[] = [],
      failure: string | undefined;
    try {
      view = new RequestView(request);
      const entries = request.resources;
      for (let i = 0; i < entries.length; i++) resources.push(resourceView(entries[i] as RequestResource | string));
    } catch (e) {
      view = undefined;
      resources = [];
      failure = e instanceof Error ? e.message : String(e);
    }
    this.view = view;
    this.resources = resources;
    this.failure = failure;
  }
}

/** Parses a request once for several `evaluate` / `simulate` calls. Treat the request as immutable after. */
export function prepareRequest(request: AuthorizationRequest): PreparedRequest {
  return new Prepared(request);
}

function internalError(e: unknown): Decision {
  // A malformed request (missing principal, …) must deny, never throw into the caller's allow path.
  const error: EvaluationIssue = { code: 'EVAL_INTERNAL', message: e instanceof Error ? e.message : String(e) };
  return { allowed: false, decision: 'Error', deciding: NONE, matched: NONE, resources: NONE, errors: [error] };
}

function evaluatePrepared(prepared: Prepared, policies: PolicySet): Decision {
  const req = prepared.view;
  if (req === undefined) return internalError(prepared.failure);
  try {
    const views = prepared.resources;
    const results: ResourceResult[] = [];
    for (let i = 0; i < views.length; i++) results.push(evaluateResource(req, views[i] as ResourceView, policies));
    return combine(results);
  } catch (e) {
    return internalError(e);
  }
}

/** Decides a request (or one made by `prepareRequest`) against a policy set. Never throws. */
export function evaluate(request: PreparedRequest, policies: PolicySet): Decision;
export function evaluate(request: AuthorizationRequest, policies: PolicySet): Decision;
export function evaluate(request: AuthorizationRequest | PreparedRequest, policies: PolicySet): Decision {
  if (request instanceof Prepared) return evaluatePrepared(request, policies);
  try {
    const req = new RequestView(request as AuthorizationRequest);
    const resources = (request as AuthorizationRequest).resources;
    const results: ResourceResult[] = [];
    for (let i = 0; i < resources.length; i++)
      results.push(evaluateResource(req, resourceView(resources[i] as RequestResource | string), policies));
    return combine(results);
  } catch (e) {
    return internalError(e);
  }
}
