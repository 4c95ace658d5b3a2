import { beforeAll } from '@jest/globals';
import type { Principal } from '../../../src/auth/principal.js';
import { buildApp, type Gateway } from '../../../src/app.js';
import { ManualClock, randomIds } from '../../../src/clock.js';
import { testConfig } from '../../../src/config/load.js';
import { iamSrn } from '../../../src/iam/index.js';
import { bearerFor } from '../../support/bearer.js';
import type { Store } from '../../../src/store/ports.js';

/**
 * A JSON answer of the API. The body is `any` on purpose: the test asserts its shape, a type here would only
 * restate the API types under test.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ApiAnswer = { status: number; body: any };

/** One running gateway with two accounts (A and B) and helpers to call the admin API as anyone. */
export interface Harness {
  gw: Gateway;
  clock: ManualClock;
  a: AccountFixture;
  b: AccountFixture;
  // A property, not a method: the cases destructure it (`const { call } = h()`) and it uses no `this`.
  call: (
    who: Principal | null,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<ApiAnswer>;
  close(): Promise<void>;
}

export interface AccountFixture {
  id: string;
  root: Principal;
  /** Built-in policy ids by name. */
  builtin: Record<string, string>;
  /** `/v1/accounts/<id>` */
  base: string;
}

export type StoreFactory = (clock: ManualClock) => Promise<Store | undefined>;

export function userPrincipal(accountId: string, userId: string, type: Principal['type'] = 'user'): Principal {
  return {
    accountId,
    userId,
    srn: iamSrn(accountId, 'user', userId),
    type,
    auth: 'console',
    mfa: false,
    amr: ['pwd'],
    groups: [],
    issuedAtMs: 0,
  };
}

export async function startHarness(makeStore: StoreFactory): Promise<Harness> {
  const clock = new ManualClock(Date.UTC(2026, 2, 1));
  const store = await makeStore(clock);
  const gw = await buildApp(testConfig(), { clock, ids: randomIds, ...(store ? { store } : {}) });
  const server = await gw.listen();
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const account = async (name: string): Promise<AccountFixture> => {
    const { account: acc } = await gw.iam.accounts.create({ name }, 'test');
    const policies = await gw.store.policies.list(acc.id, { type: 'default' });
    return {
      id: acc.id,
      root: userPrincipal(acc.id, acc.rootUserId as string, 'root'),
      builtin: Object.fromEntries(policies.items.map((p) => [p.name, p.id])),
      base: `/v1/accounts/${acc.id}`,
    };
  };
  const a = await account('Account A');
  const b = await account('Account B');
  return {
    gw,
    clock,
    a,
    b,
    async call(who, method, path, body, headers = {}) {
      const res = await fetch(url + path, {
        method,
        headers: {
          // A real token per call (the harness clock may have moved past the last one's expiry).
          ...(who ? { authorization: `Bearer ${await bearerFor(gw, who)}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    close: () => gw.close(),
  };
}

/** Creates an IAM user through the API as root and returns its principal. */
export async function makeUser(
  h: Harness,
  acc: AccountFixture,
  name: string,
  extra: Record<string, unknown> = {},
): Promise<Principal & { id: string }> {
  const res = await h.call(acc.root, 'POST', `${acc.base}/users`, { name, ...extra });
  if (res.status !== 201) throw new Error(`makeUser ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...userPrincipal(acc.id, res.body.user.id), id: res.body.user.id };
}

/** Violation codes of a 400 answer, as `path:code`. */
export function violations(res: Pick<ApiAnswer, 'body'>): string[] {
  return (res.body?.error?.details?.violations ?? []).map((v: { path: string; code: string }) => `${v.path}:${v.code}`);
}

export const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
export const policyDoc = (statement: Record<string, unknown>) => ({ Version: '2024-07-01', Statement: [statement] });

export type TestUser = Principal & { id: string };

/** Registers a beforeAll that creates a ReadOnlyAccess user and an IAMAdministrator user in account A. */
export function viewerAndAdmin(h: () => Harness, prefix: string): { viewer: TestUser; admin: TestUser } {
  const users = {} as { viewer: TestUser; admin: TestUser };
  beforeAll(async () => {
    const { a } = h();
    users.viewer = await makeUser(h(), a, `${prefix}viewer`, { policyIds: [a.builtin.ReadOnlyAccess] });
    users.admin = await makeUser(h(), a, `${prefix}iam-admin`, { policyIds: [a.builtin.IAMAdministrator] });
  });
  return users;
}
