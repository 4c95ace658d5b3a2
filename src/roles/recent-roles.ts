/**
 * The roles a user switched to from the console, newest first (ROLE-3: "the 5 most recent roles are offered
 * again"). Kept in the session store, not the entity store (docs/decisions.md, Console switch role): it is
 * a convenience that may be lost, it changes on every switch, and a user write would be an IAM write (the
 * store's epoch wrapper, optimistic versions) for something no decision reads.
 *
 * One record of kind `recent-roles` per user, under an index of its own (`recent-roles:<userId>`), so it is
 * never listed, ended or counted as one of the user's sessions. Each switch writes a new record and ends the
 * old one, which also restarts its lifetime; two switches racing may lose one entry, never corrupt the list.
 */
import { z } from 'zod';
import { SESSION_KINDS } from '../sessions/kinds.js';
import type { PrincipalType, Session, SessionStore } from '../sessions/ports.js';

/** How many roles are offered again. */
export const RECENT_ROLES_MAX = 5;
/** A list unused for this long is forgotten. */
export const RECENT_ROLES_TTL_MS = 30 * 24 * 3600 * 1000;

/** The fixed palette of the role banner (the view maps each name to accessible colours). */
export const ROLE_COLOURS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple'] as const;
export type RoleColour = (typeof ROLE_COLOURS)[number];

export interface RecentRole {
  accountId: string;
  /** The account's alias when it had one at the switch, else its id. */
  accountLabel: string;
  roleName: string;
  displayName: string;
  colour: RoleColour;
}

const recentRole = z.object({
  accountId: z.string().max(64),
  accountLabel: z.string().max(64),
  roleName: z.string().max(64),
  displayName: z.string().max(64),
  colour: z.enum(ROLE_COLOURS),
});
const recentList = z.array(recentRole).max(RECENT_ROLES_MAX);

/** The user the list belongs to: the identity that switched (never the role session). */
export interface RecentRolesOwner {
  accountId: string;
  userId: string;
  type: PrincipalType;
}

const DATA_KEY = 'roles';

export class RecentRoles {
  constructor(private readonly sessions: Pick<SessionStore, 'create' | 'end' | 'listForUser'>) {}

  async list(owner: RecentRolesOwner): Promise<RecentRole[]> {
    const newest = (await this.records(owner)).at(-1);
    return newest === undefined ? [] : parse(newest);
  }

  /** Puts `role` first; the same account + role name switched to again moves up instead of repeating. */
  async remember(owner: RecentRolesOwner, role: RecentRole): Promise<RecentRole[]> {
    const records = await this.records(owner);
    const previous = records.at(-1);
    const same = (r: RecentRole) => r.accountId === role.accountId && r.roleName === role.roleName;
    const roles = [role, ...(previous === undefined ? [] : parse(previous)).filter((r) => !same(r))].slice(
      0,
      RECENT_ROLES_MAX,
    );
    await this.sessions.create({
      principal: { accountId: owner.accountId, userId: indexId(owner.userId), type: owner.type },
      data: { kind: SESSION_KINDS.recentRoles, [DATA_KEY]: JSON.stringify(roles) },
      absoluteTtlMs: RECENT_ROLES_TTL_MS,
      idleTtlMs: RECENT_ROLES_TTL_MS,
    });
    await Promise.all(records.map((r) => this.sessions.end(r.id)));
    return roles;
  }

  /** Oldest first, as the store lists them; only records of this kind (the index holds nothing else). */
  private async records(owner: RecentRolesOwner): Promise<Session[]> {
    const all = await this.sessions.listForUser(owner.accountId, indexId(owner.userId));
    return all.filter((s) => s.data.kind === SESSION_KINDS.recentRoles);
  }
}

const indexId = (userId: string): string => `recent-roles:${userId}`;

/** A stored list that no longer parses (an older shape) is an empty one: it is only a convenience. */
function parse(record: Session): RecentRole[] {
  const text = record.data[DATA_KEY];
  if (typeof text !== 'string') return [];
  try {
    const parsed = recentList.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}
