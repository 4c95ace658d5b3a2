/**
 * Compilation (once per policy id + version): validate, then turn every statement into matchers, so the
 * hot path builds no regex, glob or set. Statements are indexed by the service part of their actions;
 * a statement whose service part has a wildcard, or that uses NotAction, is examined for every service.
 * On top of that, each policy remembers which statements match each action it has been asked about.
 */
import {
  compileGlob,
  compileSrnPattern,
  hasWildcard,
  parseSrnPattern,
  type CompiledSrnPattern,
  type GlobMatcher,
  type SrnPattern,
} from '../srn/index.js';
import { DEFAULT_REGISTRY } from './catalogue.js';
import { compileCondition, type CompiledCondition } from './condition.js';
import { parseOperator } from './conditions/operators.js';
import type {
  CompileOptions,
  CompiledPolicy,
  PolicyDocument,
  PolicyIssue,
  PolicyStatement,
  PrincipalClaims,
  StatementRef,
} from './types.js';
import { checkPolicy } from './validate.js';
import { conditionValues } from './validate-condition.js';

export class PolicyValidationError extends Error {
  constructor(readonly issues: readonly PolicyIssue[]) {
    super(`invalid policy: ${issues.map((i) => `${i.path}: ${i.code}`).join('; ')}`);
    this.name = 'PolicyValidationError';
  }
}

export interface CompiledStatement {
  readonly ref: StatementRef;
  readonly allow: boolean;
  /** Takes the lower-cased request action (POL-3: actions compare case-insensitively). */
  readonly matchAction: (action: string) => boolean;
  /** Resource lists the literal "*": the only form that covers the "*" resource (item 16). */
  readonly resourceStar: boolean;
  readonly resources: readonly CompiledSrnPattern[];
  readonly principal: ((p: PrincipalClaims) => boolean) | undefined;
  readonly conditions: readonly CompiledCondition[];
}

const list = (v: string | readonly string[] | undefined): readonly string[] =>
  v === undefined ? [] : typeof v === 'string' ? [v] : v;

function actionMatcher(patterns: readonly string[], negate: boolean): (action: string) => boolean {
  const lower = patterns.map((p) => p.toLowerCase());
  const exact = new Set(lower.filter((p) => !hasWildcard(p)));
  const globs: GlobMatcher[] = lower.filter(hasWildcard).map(compileGlob);
  const any = (a: string): boolean => {
    if (exact.has(a)) return true;
    for (let i = 0; i < globs.length; i++) if ((globs[i] as GlobMatcher)(a)) return true;
    return false;
  };
  return negate ? (a) => !any(a) : any;
}

function principalMatcher(stmt: PolicyStatement): ((p: PrincipalClaims) => boolean) | undefined {
  if (stmt.Principal === undefined) return undefined;
  const srns = new Set(list(stmt.Principal.scp));
  const services = new Set(list(stmt.Principal.Service));
  // Exact and case-sensitive (item 18): a role SRN covers every session of the role, root only root.
  return (p) =>
    p.ptype === 'service'
      ? services.has(p.sub)
      : srns.has(p.sub) || (p.ptype === 'role-session' && p.role !== undefined && srns.has(p.role));
}

function compileStatement(
  stmt: PolicyStatement,
  index: number,
  policyId: string,
  options: CompileOptions,
): CompiledStatement {
  const registry = options.registry ?? DEFAULT_REGISTRY;
  const resources = list(stmt.Resource);
  const conditions: CompiledCondition[] = [];
  for (const [operatorText, block] of Object.entries(stmt.Condition ?? {})) {
    const op = parseOperator(operatorText);
    if (!op.ok) continue; // unreachable after validation
    for (const [key, raw] of Object.entries(block)) {
      conditions.push(
        compileCondition(
          operatorText,
          op.qualifier,
          op.spec,
          key,
          conditionValues(raw) ?? [],
          options.account,
          registry,
        ),
      );
    }
  }
  return {
    ref: Object.freeze({ policyId, sid: stmt.Sid, index, effect: stmt.Effect }),
    allow: stmt.Effect === 'Allow',
    matchAction: actionMatcher(list(stmt.Action ?? stmt.NotAction), stmt.Action === undefined),
    resourceStar: resources.includes('*'),
    resources: resources
      .filter((r) => r !== '*')
      .map((r) => compileSrnPattern((parseSrnPattern(r) as { pattern: SrnPattern }).pattern, options.account)),
    principal: principalMatcher(stmt),
    conditions,
  };
}

/** The services a statement can apply to, or undefined when it must be examined for every service. */
function statementServices(stmt: PolicyStatement): Set<string> | undefined {
  if (stmt.Action === undefined) return undefined;
  const services = new Set<string>();
  for (const a of list(stmt.Action)) {
    const service = a.slice(0, Math.max(0, a.indexOf(':'))).toLowerCase();
    if (service === '' || hasWildcard(service)) return undefined;
    services.add(service);
  }
  return services;
}

export class PolicyProgram implements CompiledPolicy {
  readonly statementCount: number;
  readonly conditionFree: boolean;
  private readonly byService = new Map<string, readonly CompiledStatement[]>();
  private readonly everyService: readonly CompiledStatement[];
  private readonly byAction = new Map<string, readonly CompiledStatement[]>();

  constructor(
    readonly id: string,
    readonly version: string | number | undefined,
    readonly kind: CompiledPolicy['kind'],
    readonly account: string,
    readonly statements: readonly CompiledStatement[],
    services: readonly (Set<string> | undefined)[],
  ) {
    this.statementCount = statements.length;
    this.conditionFree = statements.every((s) => s.conditions.length === 0);
    this.everyService = statements.filter((_, i) => services[i] === undefined);
    const names = new Set(services.flatMap((s) => (s === undefined ? [] : [...s])));
    for (const name of names)
      this.byService.set(
        name,
        statements.filter((_, i) => services[i] === undefined || services[i]?.has(name) === true),
      );
  }

  /** The statements that can apply to an action of `service` (lower-case), in document order. */
  forService(service: string): readonly CompiledStatement[] {
    return this.byService.get(service) ?? this.everyService;
  }

  /**
   * The statements whose Action (or NotAction) covers `action`, written as the caller wrote it, in
   * document order. Which statements match an action is fixed once the policy is compiled, so the answer
   * is remembered per action: a request for a known action then does one map lookup instead of
   * lower-casing, splitting off the service and running the matchers. At most ACTION_INDEX_LIMIT actions
   * of at most ACTION_INDEX_MAX_LENGTH characters are held per policy; when full the index starts afresh,
   * so junk actions cost memory only within that bound and never change an answer.
   */
  forAction(action: string): readonly CompiledStatement[] {
    const known = this.byAction.get(action);
    if (known !== undefined) return known;
    const lower = action.toLowerCase();
    const colon = lower.indexOf(':');
    const candidates = this.forService(colon < 0 ? '' : lower.slice(0, colon));
    const matching: CompiledStatement[] = [];
    for (let i = 0; i < candidates.length; i++) {
      const stmt = candidates[i] as CompiledStatement;
      if (stmt.matchAction(lower)) matching.push(stmt);
    }
    const result = matching.length === 0 ? NO_STATEMENTS : matching;
    if (action.length <= ACTION_INDEX_MAX_LENGTH) {
      if (this.byAction.size >= ACTION_INDEX_LIMIT) this.byAction.clear();
      this.byAction.set(action, result);
    }
    return result;
  }
}

export const ACTION_INDEX_LIMIT = 128;
export const ACTION_INDEX_MAX_LENGTH = 128;
const NO_STATEMENTS: readonly CompiledStatement[] = Object.freeze([]);

/**
 * Attribute keys that no longer resolve (the resource definition changed after the policy was saved) do
 * not stop compilation: refusing the whole policy would drop its Denies, which fails open. They compile
 * into conditions that err at evaluation, so the request is denied and the error reported (item 30).
 */
const STALE_KEY_CODES = new Set(['KEY_UNKNOWN', 'KEY_NOT_ABAC', 'KEY_AMBIGUOUS']);

/** Validates (throwing PolicyValidationError with every issue) and compiles a document or its JSON text. */
export function compilePolicy(document: unknown, options: CompileOptions): CompiledPolicy {
  const registry = options.registry ?? DEFAULT_REGISTRY;
  const { doc, sink } = checkPolicy(document, { kind: options.kind, registry, maxBytes: Number.POSITIVE_INFINITY });
  const fatal = sink.errors.filter((i) => !STALE_KEY_CODES.has(i.code));
  if (fatal.length > 0 || doc === undefined) throw new PolicyValidationError(fatal);
  const raw = (doc as PolicyDocument).Statement;
  const statements: readonly PolicyStatement[] = Array.isArray(raw) ? raw : [raw as PolicyStatement];
  return new PolicyProgram(
    options.id,
    options.version,
    options.kind,
    options.account,
    statements.map((s, i) => compileStatement(s, i, options.id, options)),
    statements.map(statementServices),
  );
}

export function compilePolicies(
  inputs: readonly { readonly document: PolicyDocument | string; readonly options: CompileOptions }[],
): CompiledPolicy[] {
  return inputs.map((i) => compilePolicy(i.document, i.options));
}
