import type { AuthorizationRequest, PolicySet, Simulation } from './types.js';

export function simulate(_request: AuthorizationRequest, _policies: PolicySet): Simulation {
  throw new Error('not implemented');
}
