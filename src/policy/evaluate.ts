import type { AuthorizationRequest, Decision, PolicySet } from './types.js';

export function evaluate(_request: AuthorizationRequest, _policies: PolicySet): Decision {
  throw new Error('not implemented');
}
