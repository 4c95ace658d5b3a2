import { resealFailure, type ResealReport, type SealBinding, type Sealer } from '../crypto/index.js';
import { isAppError } from '../errors.js';
import type { AccountRepository, NamedRepository, User } from '../store/ports.js';
import { listAll } from '../store/shared.js';

/** What a user's TOTP secret is sealed for: its purpose and its user (LOGIN-4). */
export const mfaSecretBinding = (userId: string): SealBinding => ({ purpose: 'mfa-totp-secret', context: userId });

type Users = NamedRepository<User>;

/**
 * `reseal-secrets` for TOTP secrets (docs/operations.md): every user of every account whose secret is not
 * under the current KEK gets it re-sealed. The rewrite is a `mutate` (CAS on the version) that re-reads the
 * secret, so an enrolment racing the run is never overwritten with the old secret. A secret that does not
 * open is reported, not fatal: the run goes on, and the operator keeps the old key until it is fixed.
 */
export async function resealMfaSecrets(
  store: { accounts: AccountRepository; users: Users },
  sealer: Sealer,
): Promise<ResealReport> {
  const report: ResealReport = { resealed: 0, unchanged: 0, failed: [] };
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<AccountRepository['listEvery']>> = await store.accounts.listEvery(
      cursor === null ? {} : { cursor },
    );
    for (const account of page.items) {
      for (const user of await listAll(store.users, account.id, {})) await resealOne(store.users, user, sealer, report);
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
  return report;
}

async function resealOne(users: Users, user: User, sealer: Sealer, report: ResealReport): Promise<void> {
  if (user.mfa.secret === null) return;
  if (sealer.isCurrent(user.mfa.secret)) {
    report.unchanged++;
    return;
  }
  let rewrote = false;
  try {
    await users.mutate(user.accountId, user.id, 'reseal-secrets', (current) => {
      const sealed = current.mfa.secret;
      rewrote = sealed !== null && !sealer.isCurrent(sealed);
      if (sealed === null || !rewrote) return null;
      return { mfa: { ...current.mfa, secret: sealer.reseal(sealed, mfaSecretBinding(current.id)) } };
    });
  } catch (err) {
    if (isAppError(err) && err.code === 'NOT_FOUND') return; // deleted meanwhile: nothing left to seal
    report.failed.push(resealFailure(`user ${user.accountId}/${user.id}`, err));
    return;
  }
  if (rewrote) report.resealed++;
  else report.unchanged++;
}
