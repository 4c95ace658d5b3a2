/**
 * Does one compiled statement apply to (request, resource)? (item 33) The answer is a small code so the
 * hot path allocates nothing; the simulator turns it into words.
 */
import type { CompiledStatement } from './compile.js';
import { NO, TYPE_ERROR } from './conditions/types.js';
import type { RequestView, ResourceView } from './context.js';
import type { StatementOutcome } from './types.js';

export const APPLIED = 0;
export const ACTION_MISS = 1;
export const RESOURCE_MISS = 2;
export const PRINCIPAL_MISS = 3;
export const CONDITION_FALSE = 4;
export const ERRORED = 5;
export type OutcomeCode = 0 | 1 | 2 | 3 | 4 | 5;

export const OUTCOME_NAMES: readonly StatementOutcome[] = [
  'applied',
  'action-not-matched',
  'resource-not-matched',
  'principal-not-matched',
  'condition-false',
  'error',
];

function resourceMatches(stmt: CompiledStatement, res: ResourceView): boolean {
  if (stmt.resourceStar) return true;
  const parts = res.parts;
  if (parts === undefined) return false;
  const patterns = stmt.resources;
  for (let i = 0; i < patterns.length; i++) if (patterns[i]?.matchesParts(parts) === true) return true;
  return false;
}

/**
 * Conditions combine by AND. A false condition decides even when another errs: the statement cannot
 * apply under any reading of the erring one. Otherwise an error is reported and never grants (item 35).
 */
export function statementOutcome(stmt: CompiledStatement, req: RequestView, res: ResourceView): OutcomeCode {
  return stmt.matchAction(req.action) ? outcomeForAction(stmt, req, res) : ACTION_MISS;
}

/** `statementOutcome` for a statement already known to cover the request's action (`forAction`). */
export function outcomeForAction(stmt: CompiledStatement, req: RequestView, res: ResourceView): OutcomeCode {
  if (!resourceMatches(stmt, res)) return RESOURCE_MISS;
  if (stmt.principal !== undefined && !stmt.principal(req.principal)) return PRINCIPAL_MISS;
  const conditions = stmt.conditions;
  let errored = false;
  for (let i = 0; i < conditions.length; i++) {
    const r = (conditions[i] as CompiledStatement['conditions'][number]).evaluate(req, res);
    if (r === NO) return CONDITION_FALSE;
    if (r === TYPE_ERROR) errored = true;
  }
  return errored ? ERRORED : APPLIED;
}

/** The first condition with the given result, for explanations and error reports (slow path only). */
export function conditionWith(stmt: CompiledStatement, req: RequestView, res: ResourceView, result: 0 | 2) {
  return stmt.conditions.find((c) => c.evaluate(req, res) === result);
}
