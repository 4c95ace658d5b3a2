import type { Principal } from '../auth/principal.js';
import { appError } from '../errors.js';
import { IAM_ACTIONS } from '../policy/index.js';
import type { Store } from '../store/ports.js';
import type { LoginAudit } from './audit.js';
import { userSrn } from './console-sessions.js';
import type { LockoutService } from './lockout.js';
import type { RequestOrigin } from './types.js';

/** Decides whether `principal` may perform `action` on `resourceSrn` (the admin API's policy check, ENT-7). */
export type ActionAuthorizer = (principal: Principal, action: string, resourceSrn: string) => Promise<boolean>;

/**
 * TODO(iam-authorizer): replace with the IAM capability's policy-backed authorizer once src/iam/authorizer.ts
 * lands. Until then only the account's root user may unlock (ENT-8: root can do everything in its account);
 * everyone else is refused — failing closed.
 */
export const rootOnlyAuthorizer: ActionAuthorizer = async (principal, _action, resourceSrn) =>
  principal.type === 'root' && resourceSrn.startsWith(`srn:e::${principal.accountId}:`);

/** LOGIN-3 administrator unlock: `iam:unlockUser` on the user, then both lockout keys cleared and audited. */
export async function unlockUser(
  deps: { store: Pick<Store, 'users'>; lockout: LockoutService; audit: LoginAudit; authorize: ActionAuthorizer },
  by: Principal,
  target: { accountId: string; userId: string },
  origin: RequestOrigin,
): Promise<{ wasLocked: boolean }> {
  if (!(await deps.authorize(by, IAM_ACTIONS.unlockUser, userSrn(target.accountId, target.userId)))) throw appError('ACCESS_DENIED');
  const user = await deps.store.users.get(target.accountId, target.userId);
  if (!user) throw appError('NOT_FOUND', { kind: 'user', id: target.userId });
  const wasLocked = await deps.lockout.unlock(target.accountId, target.userId);
  await deps.audit.record({ accountId: target.accountId, action: 'login.unlock', actor: by.userId, target: user.id, origin, result: 'success', details: { wasLocked } });
  return { wasLocked };
}
