/**
 * Console switch role (ROLE-3): a console user names an account (id or alias) and a role; the role is
 * assumed through RoleAssumption (the same trust and identity-policy checks as the API, and its audit) and
 * the browser's cookie then holds the new role session. The console session it came from stays alive
 * underneath: the role session's record names it (the issuer's `parent`), ends no later than it, dies with
 * it (src/login/console-sessions.ts), and "switch back" resumes it without a new login.
 *
 * Switching again from inside a role session switches as the original identity (not a chain): the old
 * role session ends, the new one hangs off the same original session.
 */
import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import { AuditRecorder } from '../audit/index.js';
import { roleOf } from '../authz/applicable.js';
import { iamSrn } from '../authz/srn.js';
import { AppError, appError } from '../errors.js';
import type { SessionIssuer } from '../issuer/index.js';
import { accountByReference, type ConsoleSessions } from '../login/index.js';
import { parentSessionOf } from '../sessions/kinds.js';
import type { Session, SessionStore } from '../sessions/ports.js';
import type { AuditLog, Store } from '../store/ports.js';
import { parseInput } from '../validation.js';
import type { RoleAssumption } from './assume-role.js';
import { RecentRoles, ROLE_COLOURS, type RecentRole, type RoleColour } from './recent-roles.js';

/** The switch form. A display name is free text (rendered escaped), without control characters. */
export const switchRoleForm = z.strictObject({
  account: z.string().trim().min(1).max(64),
  roleName: z.string().trim().min(1).max(64),
  displayName: z
    .string()
    .trim()
    .max(64)
    .regex(/^\P{Cc}*$/u, { error: 'DISPLAY_NAME_INVALID' })
    .optional(),
  colour: z.enum(ROLE_COLOURS),
});
export type SwitchRoleInput = z.output<typeof switchRoleForm>;

const FORM_MESSAGES = { DISPLAY_NAME_INVALID: 'The display name must not contain control characters.' };

/** What the banner shows, kept in the role session's record at the switch. */
const BANNER_KEYS = {
  displayName: 'consoleDisplayName',
  colour: 'consoleColour',
  accountLabel: 'consoleAccount',
} as const;

export interface RoleBanner {
  displayName: string;
  colour: RoleColour;
  accountId: string;
  accountLabel: string;
  roleSrn: string;
  sessionName: string;
  expiresAtMs: number;
}

/** The banner of a console role session; null for any other session. */
export function roleBannerOf(session: Session): RoleBanner | null {
  if (parentSessionOf(session) === null) return null;
  const d = session.data;
  const text = (v: unknown, fallback: string) => (typeof v === 'string' && v !== '' ? v : fallback);
  const colour = ROLE_COLOURS.find((c) => c === d[BANNER_KEYS.colour]) ?? ROLE_COLOURS[0];
  const roleSrn = text(d.role, '');
  return {
    displayName: text(d[BANNER_KEYS.displayName], roleSrn),
    colour,
    accountId: session.principal.accountId,
    accountLabel: text(d[BANNER_KEYS.accountLabel], session.principal.accountId),
    roleSrn,
    sessionName: text(d.sessionName, ''),
    expiresAtMs: session.absoluteExpiresAtMs,
  };
}

/** The request's console session (the cookie) and the principal it speaks for. */
export interface ConsoleCaller {
  session: Session;
  principal: Principal;
}

type Origin = { sourceIp: string; userAgent?: string | undefined };

export interface ConsoleRoleSwitchDeps {
  store: Pick<Store, 'accounts' | 'roles'> & { audit: AuditLog };
  roles: Pick<RoleAssumption, 'assume'>;
  issuer: Pick<SessionIssuer, 'end'>;
  consoleSessions: Pick<ConsoleSessions, 'resolve'>;
  sessions: Pick<SessionStore, 'update' | 'create' | 'end' | 'listForUser'>;
}

/** STS session names are 2–64 of `[\w+=,.@-]`; user names are 1–64 of those, so only a one-letter name grows. */
export function consoleSessionName(userName: string): string {
  const name = userName.replace(/[^\w+=,.@-]/g, '_').slice(0, 64);
  return name.length >= 2 ? name : `${name}_`.padEnd(2, '_');
}

export class ConsoleRoleSwitch {
  private readonly audit: AuditRecorder<'role.assume' | 'role.switch_back'>;
  private readonly recentRoles: RecentRoles;

  constructor(private readonly deps: ConsoleRoleSwitchDeps) {
    this.audit = new AuditRecorder(deps.store.audit);
    this.recentRoles = new RecentRoles(deps.sessions);
  }

  /**
   * The identity a switch is made as and switch back returns to: the console session itself, or, from a
   * console role session, the session it was switched from (null when that one is gone).
   */
  async original(current: ConsoleCaller): Promise<ConsoleCaller | null> {
    const parentId = parentSessionOf(current.session);
    return parentId === null ? current : this.deps.consoleSessions.resolve(parentId);
  }

  /** The user's recent roles, newest first (empty when the original session is gone). */
  async recent(current: ConsoleCaller): Promise<RecentRole[]> {
    const original = await this.original(current);
    return original === null ? [] : this.recentRoles.list(ownerOf(original.principal));
  }

  /**
   * Resolves the role by account + name and assumes it as the original identity. Refusals: VALIDATION_FAILED,
   * NOT_FOUND (no such account; no such role in the caller's own account), ROLE_NOT_TRUSTED (also a role
   * name unknown in another account: nobody learns which roles another account has), ACCESS_DENIED.
   */
  async switchRole(
    current: ConsoleCaller,
    form: unknown,
    origin: Origin,
  ): Promise<{ sessionId: string; csrfToken: string; banner: RoleBanner }> {
    const input = parseInput(switchRoleForm, form, [], FORM_MESSAGES);
    const original = await this.original(current);
    if (original === null) throw appError('UNAUTHENTICATED');
    const caller = original.principal;
    const account = await accountByReference(this.deps.store.accounts, input.account);
    if (account === null) throw appError('NOT_FOUND', { kind: 'account' });
    const sessionName = consoleSessionName(caller.userName ?? caller.userId);
    const role = await this.deps.store.roles.getByName(account.id, input.roleName);
    if (role === null) {
      const refusal =
        account.id === caller.accountId ? appError('NOT_FOUND', { kind: 'role' }) : new AppError('ROLE_NOT_TRUSTED');
      // An assume attempt like any other (issue 16 item 9), though there is no role id to name.
      await this.audit.record({
        accountId: account.id,
        actor: caller.userId,
        action: 'role.assume',
        target: null,
        sourceIp: origin.sourceIp,
        result: 'failure',
        reasonCode: refusal.code,
        details: { roleName: input.roleName, source: caller.srn, sessionName, durationSeconds: null, via: 'console' },
      });
      throw refusal;
    }
    const roleSrn = iamSrn(role.accountId, 'role', role.id);
    const parent = { sessionId: original.session.id, absoluteExpiresAtMs: original.session.absoluteExpiresAtMs };
    const { started } = await this.deps.roles.assume(caller, { roleSrn, sessionName }, origin, 'cookie', parent);
    const accountLabel = account.alias ?? account.id;
    const displayName = input.displayName || role.name;
    const labelled = await this.deps.sessions.update(started.session.id, {
      [BANNER_KEYS.displayName]: displayName,
      [BANNER_KEYS.colour]: input.colour,
      [BANNER_KEYS.accountLabel]: accountLabel,
    });
    // From one role to another: the old role session ends, the original stays underneath the new one.
    if (current.session.id !== original.session.id) await this.deps.issuer.end(current.session.id);
    await this.recentRoles.remember(ownerOf(caller), {
      accountId: account.id,
      accountLabel,
      roleName: role.name,
      displayName,
      colour: input.colour,
    });
    const session = labelled ?? started.session;
    return { sessionId: session.id, csrfToken: started.csrfToken ?? '', banner: roleBannerOf(session) as RoleBanner };
  }

  /**
   * Ends the console role session and hands back the session it was switched from (null when the caller
   * is not in a console role session, or that session is gone: the role session ends either way). Audited
   * as `role.switch_back` in the role's account, beside the `role.assume` that began it.
   */
  async switchBack(current: ConsoleCaller, origin: Origin): Promise<ConsoleCaller | null> {
    const parentId = parentSessionOf(current.session);
    if (parentId === null) return null;
    const ended = await this.deps.issuer.end(current.session.id);
    const original = await this.deps.consoleSessions.resolve(parentId);
    // Of two racing switch backs only the one that ended the session records it; both land on the original.
    if (ended) {
      const p = current.principal;
      await this.audit.record({
        accountId: p.accountId,
        actor: p.userId,
        action: 'role.switch_back',
        target: roleOf(p.role)?.roleId ?? null,
        sourceIp: origin.sourceIp,
        result: original === null ? 'failure' : 'success',
        reasonCode: original === null ? 'UNAUTHENTICATED' : null,
        details: {
          roleSrn: p.role ?? null,
          assumedRoleSrn: p.srn,
          source: p.source ?? null,
          sessionName: p.sessionName ?? null,
        },
      });
    }
    return original;
  }
}

/** The identity whose recent roles these are. */
function ownerOf(p: Principal) {
  return { accountId: p.accountId, userId: p.userId, type: p.type };
}
