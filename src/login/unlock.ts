import type { Principal } from '../auth/principal.js';
import { appError } from '../errors.js';
import type { Store } from '../store/ports.js';
import type { LoginAudit } from './audit.js';
import type { LockoutService } from './lockout.js';
import type { RequestOrigin } from './types.js';

/**
 * LOGIN-3 administrator unlock: clears both lockout keys of the user and records who did it. The caller's
 * permission (`iam:unlockUser` on the user's SRN) is checked before this runs, by the admin API's
 * policy check (requireAction), like every other admin call (ENT-7).
 */
export async function unlockUser(
  deps: { store: Pick<Store, 'users'>; lockout: LockoutService; audit: LoginAudit },
  by: Principal,
  target: { accountId: string; userId: string },
  origin: RequestOrigin,
): Promise<{ wasLocked: boolean }> {
  const user = await deps.store.users.get(target.accountId, target.userId);
  if (!user) throw appError('NOT_FOUND', { kind: 'user', id: target.userId });
  const wasLocked = await deps.lockout.unlock(target.accountId, target.userId);
  await deps.audit.record({
    accountId: target.accountId,
    action: 'login.unlock',
    actor: by.userId,
    target: user.id,
    origin,
    result: 'success',
    details: { wasLocked },
  });
  return { wasLocked };
}
