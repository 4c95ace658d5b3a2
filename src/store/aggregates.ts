import { CONTACT_KEY_FIELDS, verifiedContactKey } from './contacts.js';
import type { Store } from './ports.js';

/**
 * What differs between aggregates, as data, so both adapters stay generic (one repository class each)
 * and cannot drift apart: unique rules, reverse-lookup filters and fields Mongo must store as JSON text.
 */
export interface UniqueRule {
  /** The unique field. */
  field: string;
  /** Global (alias, accessKeyId) or per account (names, TEN-6). */
  global: boolean;
  /** A `null` value does not take part (TEN-1: many accounts have no alias). */
  optional: boolean;
}

export interface AggregateSpec {
  /** Singular noun used in error details (`{ kind: 'user', id }`). */
  kind: string;
  unique: readonly UniqueRule[];
  /** Filter key → document paths; an entity matches when any path holds the value (array paths: contains). */
  filters: Readonly<Record<string, readonly string[]>>;
  /**
   * Opaque JSON objects; Mongo stores them as text because policy documents and SAML/OIDC config may hold
   * keys with `.` or a leading `$`, which FerretDB (and MongoDB in places) refuse as field names.
   */
  json: readonly string[];
  /** Global lookup keys derived from one field each (LOGIN-8 verified contacts). */
  derived?: readonly DerivedKey[];
}

/**
 * A key computed from the whole value of one field. Mongo stores it in `field` (indexed, stripped on
 * read) and recomputes it whenever a write carries `from` — a patch replaces a field whole, so the key
 * never goes stale. Memory computes it on the fly.
 */
export interface DerivedKey {
  field: string;
  from: string;
  key(value: unknown): string | null;
}

export type RepositoryName = Exclude<keyof Store, 'audit' | 'policyTargets' | 'init' | 'ping' | 'close'>;

const name: UniqueRule = { field: 'name', global: false, optional: false };

export const AGGREGATES = {
  accounts: {
    kind: 'account',
    unique: [name, { field: 'alias', global: true, optional: true }],
    filters: {},
    json: [],
  },
  projects: { kind: 'project', unique: [name], filters: {}, json: [] },
  users: {
    kind: 'user',
    unique: [name],
    filters: { policyId: ['policyIds'] },
    json: [],
    derived: [
      { field: CONTACT_KEY_FIELDS.email, from: 'email', key: (v: unknown) => verifiedContactKey('email', v) },
      { field: CONTACT_KEY_FIELDS.phone, from: 'phone', key: (v: unknown) => verifiedContactKey('phone', v) },
    ],
  },
  groups: {
    kind: 'group',
    unique: [name],
    filters: { memberId: ['memberIds'], policyId: ['policyIds', 'roleBindings.policyIds'] },
    json: [],
  },
  policies: { kind: 'policy', unique: [name], filters: { type: ['type'] }, json: ['document'] },
  roles: {
    kind: 'role',
    unique: [name],
    filters: { policyId: ['policyIds'], trustedValue: ['trustedPrincipals.value'] },
    json: [],
  },
  // Each kind's section (FED-1, FED-7) is opaque JSON: SAML metadata holds keys with '.' and '$'.
  providers: { kind: 'credential-provider', unique: [name], filters: { kind: ['kind'] }, json: ['saml', 'oidc'] },
  authKeys: {
    kind: 'auth-key',
    unique: [{ field: 'accessKeyId', global: true, optional: false }],
    filters: { userId: ['userId'], parentKeyId: ['parentKeyId'] },
    json: [],
  },
} as const satisfies Record<RepositoryName, AggregateSpec>;

export const REPOSITORY_NAMES = Object.keys(AGGREGATES) as RepositoryName[];

/** Values at a dotted path, flattening arrays on the way (Mongo's multikey semantics). */
export function valuesAt(doc: unknown, path: string): unknown[] {
  let current: unknown[] = [doc];
  for (const key of path.split('.')) {
    const next: unknown[] = [];
    for (const value of current) {
      const items = Array.isArray(value) ? value : [value];
      for (const item of items) {
        if (item !== null && typeof item === 'object' && key in item) next.push((item as Record<string, unknown>)[key]);
      }
    }
    current = next;
  }
  return current.flatMap((v): unknown[] => (Array.isArray(v) ? v : [v]));
}
