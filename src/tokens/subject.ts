import { createHash } from 'node:crypto';
import { AppError } from '../errors.js';
import { AUTH_METHODS } from '../policy/index.js';
import { applicablePolicies } from '../authz/applicable.js';
import { iamSrn } from '../authz/srn.js';
import { roleSessionExtras } from '../auth/session-extras.js';
import type { Session, SessionValue } from '../sessions/ports.js';
import type { Store } from '../store/ports.js';
import type { TokenSubject } from './claims.js';

/**
 * Who a new token speaks for, as of every issue (refresh included), so a token always carries the
 * principal's groups and policy-set version *now*: after a group removal the next token has no such group
 * (ENT-5). A disabled or deleted principal gets no token. The store-derived part (user active, role
 * present, groups, `pver`) may come from a cache keyed by the account's IAM epoch, which every write that
 * could change it replaces (subject-cache.ts).
 *
 * Session data the login and role capabilities may set for the claims (all optional):
 * `mfa` (boolean), `amr` (comma-separated methods), `auth` (`console` | `authkey` | `tempkey` | `service`),
 * `role` (role SRN), `source` (source identity), `sessionName`, and the role-session extras of
 * auth/session-extras.ts (`tags`, `sourceIdentity`, the session policy's digest).
 */
export type SubjectStore = Pick<Store, 'users' | 'groups' | 'policies' | 'roles'>;

const AUTH = AUTH_METHODS;
const text = (v: SessionValue | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** What the store says about a subject (cacheable under its IAM epoch, subject-cache.ts). */
export interface SubjectFacts {
  groups: readonly string[];
  pver: string;
}

/** Reads `key`'s facts with `read`, or answers them from a cache; the default always reads. */
export type FactsMemo = (key: string, read: () => Promise<SubjectFacts>) => Promise<SubjectFacts>;
const alwaysRead: FactsMemo = (_key, read) => read();

export async function resolveSubject(
  store: SubjectStore,
  session: Session,
  memo: FactsMemo = alwaysRead,
): Promise<TokenSubject> {
  const { principal: p, data } = session;
  const auth = AUTH.find((a) => a === data.auth) ?? 'console';
  const base = {
    acct: p.accountId,
    ptype: p.type,
    auth,
    mfa: data.mfa === true,
    amr: text(data.amr)?.split(',') ?? ['pwd'],
    userId: p.userId,
  };
  const role = p.type === 'role-session' || p.type === 'federated' ? text(data.role) : undefined;
  if ((p.type === 'role-session' || p.type === 'federated') && (!p.srn || role === undefined))
    throw new AppError('TOKEN_PRINCIPAL_INACTIVE');
  // Keyed by what the facts depend on: the role (every session of it shares them), or the user.
  const key = role === undefined ? `user\u0000${p.accountId}\u0000${p.userId}` : `role\u0000${role}`;
  const facts = await memo(key, async () => {
    const applicable = await applicablePolicies(
      store,
      { type: p.type, accountId: p.accountId, userId: p.userId, ...(role === undefined ? {} : { role }) },
      'every-project',
    );
    if (typeof applicable === 'string') throw new AppError('TOKEN_PRINCIPAL_INACTIVE');
    return {
      groups: applicable.groupIds,
      pver: await policySetVersion(store, applicable.accountId, applicable.policyIds),
    };
  });
  const subject = {
    ...base,
    sub: p.srn ?? iamSrn(p.accountId, 'user', p.userId),
    groups: [...facts.groups],
    pver: facts.pver,
  };
  if (role === undefined) return subject;
  const source = text(data.source);
  const sessionName = text(data.sessionName);
  return {
    ...subject,
    role,
    ...(source === undefined ? {} : { source }),
    ...(sessionName === undefined ? {} : { sessionName }),
    ...roleSessionExtras(data),
  };
}

/** A short digest of `policyId@policyVersion` of every policy in the set, order-independent. */
async function policySetVersion(store: SubjectStore, accountId: string, policyIds: readonly string[]): Promise<string> {
  const unique = [...new Set(policyIds)].sort();
  const policies = await Promise.all(unique.map((id) => store.policies.get(accountId, id)));
  const parts = policies.filter((x) => x !== null).map((x) => `${x.id}@${x.policyVersion}`);
  return createHash('sha256').update(parts.join(',')).digest('base64url').slice(0, 16);
}
