/**
 * The policy simulator's view (POL-9): the decision, plus every statement of every policy, per resource,
 * with its outcome and, when a condition decided, which one. Slow path: examines all statements, not only
 * the ones the service index would pick.
 */
import { PolicyProgram } from './compile.js';
import type { RequestView, ResourceView } from './context.js';
import { Prepared, evaluate } from './evaluate.js';
import { CONDITION_FALSE, ERRORED, OUTCOME_NAMES, conditionWith, statementOutcome } from './statement.js';
import type {
  AuthorizationRequest,
  CompiledPolicy,
  PolicySet,
  PreparedRequest,
  Simulation,
  StatementTrace,
} from './types.js';

function trace(policy: CompiledPolicy, req: RequestView, res: ResourceView): StatementTrace[] {
  if (!(policy instanceof PolicyProgram)) return [];
  return policy.statements.map((stmt) => {
    // An unparsable resource is an evaluation error for the whole request; no statement is examined.
    const code = res.invalid ? ERRORED : statementOutcome(stmt, req, res);
    const failed =
      !res.invalid && (code === CONDITION_FALSE || code === ERRORED)
        ? conditionWith(stmt, req, res, code === ERRORED ? 2 : 0)
        : undefined;
    const base = { ...stmt.ref, resource: res.srn, outcome: OUTCOME_NAMES[code] ?? 'error' };
    return failed === undefined ? base : { ...base, failedCondition: failed.label };
  });
}

export function simulate(request: PreparedRequest, policies: PolicySet): Simulation;
export function simulate(request: AuthorizationRequest, policies: PolicySet): Simulation;
export function simulate(input: AuthorizationRequest | PreparedRequest, policies: PolicySet): Simulation {
  const prepared = input instanceof Prepared ? input : new Prepared(input as AuthorizationRequest);
  const decision = evaluate(prepared, policies);
  const req = prepared.view;
  if (decision.resources.length === 0 || req === undefined) return { decision, statements: [] };
  const statements = prepared.resources.flatMap((res) => {
    const resourcePolicy = res.star ? undefined : policies.resource?.[res.srn];
    const all = [
      ...policies.identity,
      ...(resourcePolicy === undefined ? [] : [resourcePolicy]),
      ...(policies.session ?? []),
    ];
    return all.flatMap((p) => trace(p, req, res));
  });
  return { decision, statements };
}
