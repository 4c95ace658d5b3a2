/**
 * IAM epochs (docs/decisions.md, Tokens): one value per account in the session store, replaced by every
 * write that can change anyone's effective identity policies in that account — a user's state, kind or
 * direct attachments; any group write (members, attachments, role bindings); any policy write (a new
 * version, deletion); any role write; account deletion. The authorizer caches a principal's gathered and
 * compiled policy set under the epoch its request read (in the same round trip as the session and
 * revocation check), so a write on any instance takes effect on every instance's next request.
 *
 * The bump is done here, around the store's write methods, instead of in each IAM service: a write path
 * added later (or a test seeding through `gw.store`) cannot forget it. It goes before the write (a
 * session-store outage refuses the write, as revocation does) and after it (a reader that read the old
 * epoch while the write was in flight may have cached the old data under it). A user write is bumped only
 * when it touches what the authorizer reads, so logins (`lastLoginAt`) and profile edits leave caches warm;
 * its updater runs inside the store, so that bump comes after the write only.
 */
import type { Principal } from '../auth/principal.js';
import type { SessionStore } from '../sessions/ports.js';
import type { Entity, Patch, Repository, Store, User } from '../store/ports.js';
import { roleOf } from './applicable.js';

export const policyEpochKey = (accountId: string): string => `iam:${accountId}`;

type Epochs = Pick<SessionStore, 'bumpEpochs'>;
/** Whether a patch can change what the authorizer gathers; `null` = any write does. */
type Relevant<T extends Entity> = ((patch: Patch<T>) => boolean) | null;

const USER_FIELDS_READ_BY_AUTHORIZER = ['state', 'kind', 'policyIds'] as const;
const userRelevant: Relevant<User> = (patch) => USER_FIELDS_READ_BY_AUTHORIZER.some((f) => f in patch);

export function withPolicyEpochs(store: Store, epochs: Epochs): Store {
  return {
    ...store,
    users: bumping(store.users, epochs, userRelevant, { creates: false }),
    groups: bumping(store.groups, epochs, null, { creates: true }),
    policies: bumping(store.policies, epochs, null, { creates: true }),
    roles: bumping(store.roles, epochs, null, { creates: true }),
    accounts: bumping(store.accounts, epochs, () => false, { creates: false }),
  };
}

/** The repository with its write methods wrapped; reads (and anything else) go straight to it. */
function bumping<T extends Entity, R extends Repository<T, object>>(
  repo: R,
  epochs: Epochs,
  relevant: Relevant<T>,
  o: { creates: boolean },
): R {
  const around = async <V>(accountId: string, relevantNow: boolean, write: () => Promise<V>): Promise<V> => {
    const keys = [policyEpochKey(accountId)];
    if (relevantNow) await epochs.bumpEpochs(keys);
    const result = await write();
    if (relevantNow) await epochs.bumpEpochs(keys);
    return result;
  };
  const wrapped: Partial<Repository<T, object>> = {
    create: (input) => around(input.accountId, o.creates, () => repo.create(input)),
    update: (accountId, id, expectedVersion, patch, by) =>
      around(accountId, relevant === null || relevant(patch), () =>
        repo.update(accountId, id, expectedVersion, patch, by),
      ),
    mutate: async (accountId, id, by, updater) => {
      if (relevant === null) return around(accountId, true, () => repo.mutate(accountId, id, by, updater));
      let touched = false;
      const result = await repo.mutate(accountId, id, by, (current) => {
        const patch = updater(current);
        if (patch !== null && relevant(patch)) touched = true;
        return patch;
      });
      if (touched) await epochs.bumpEpochs([policyEpochKey(accountId)]);
      return result;
    },
    delete: (accountId, id) => around(accountId, true, () => repo.delete(accountId, id)),
    bulkDelete: (accountId, ids) => around(accountId, ids.length > 0, () => repo.bulkDelete(accountId, ids)),
  };
  // Own properties shadow the writes; everything else (reads, repository-specific finders) is inherited.
  return Object.assign(Object.create(repo) as R, wrapped);
}

/**
 * The epoch key that governs a principal's identity policies: its own account's, or for a role session
 * the account of the role it holds (where the role and its policies live). Null when the role claim is not
 * an IAM role SRN: such a principal gets no policies anyway, and nothing is cached for it.
 */
export function policyEpochKeyOf(principal: Pick<Principal, 'type' | 'accountId' | 'role'>): string | null {
  if (principal.type !== 'role-session' && principal.type !== 'federated') return policyEpochKey(principal.accountId);
  const role = roleOf(principal.role);
  return role === null ? null : policyEpochKey(role.accountId);
}
