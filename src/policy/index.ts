/**
 * The shared policy evaluator (SPEC §7, DESIGN §1): pure, synchronous, no imports outside src/policy and
 * src/srn. Flow: `validatePolicy` (write time: every error with a JSON path) → `compilePolicy` (once per
 * policy id + version; `PolicyCache` holds the results) → `evaluate` (hot path) or `simulate` (explains
 * every statement's outcome for the administrators' simulator).
 *
 *   const v = validatePolicy(jsonText, { kind: 'identity' });
 *   if (!v.ok) return v.errors;
 *   const p = compilePolicy(v.policy, { id, version, kind: 'identity', account });
 *   const d = evaluate({ principal: claims, action: 'iam:getUser', resources: [srn], now }, { identity: [p] });
 *
 * `prepareRequest(request)` parses a request once for several `evaluate` / `simulate` calls.
 */
export type * from './types.js';
export { AUTH_METHODS } from './types.js';
export type {
  ActionDefinition,
  AttributeDefinition,
  ResourceRegistry,
  ResourceTypeDefinition,
  ServiceDefinition,
} from './registry.js';
export type { IamActionName, IamCrudKind, ServicePrincipal } from './catalogue.js';
export {
  DEFAULT_REGISTRY,
  IAM_ACTIONS,
  IAM_CRUD_ACTIONS,
  OBJECT_STORE_SERVICE,
  SCP_IAM_SERVICE,
  SERVICE_PRINCIPALS,
  VIRTUAL_SERVERS_SERVICE,
} from './catalogue.js';
export { DEFAULT_MAX_POLICY_BYTES, validatePolicy } from './validate.js';
export { PolicyValidationError, compilePolicies, compilePolicy } from './compile.js';
export { evaluate, prepareRequest } from './evaluate.js';
export { simulate } from './simulate.js';
export { PolicyCache } from './cache.js';
export { ISSUE_CODES } from './issues.js';
