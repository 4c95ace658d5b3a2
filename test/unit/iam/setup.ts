import { ManualClock, randomIds } from '../../../src/clock.js';
import { testConfig } from '../../../src/config/load.js';
import { createIamServices, type IamServices } from '../../../src/iam/index.js';
import { PasswordService } from '../../../src/passwords/index.js';
import { MemorySessionStore } from '../../../src/sessions/memory.js';
import { createMemoryStore } from '../../../src/store/memory/memory-store.js';
import type { Store } from '../../../src/store/ports.js';

/** IAM services over the real memory adapters, with a clock the test moves. */
export async function iamFixture() {
  const config = testConfig();
  const clock = new ManualClock(Date.UTC(2026, 3, 1));
  const store: Store = createMemoryStore({ clock, ids: randomIds });
  await store.init();
  const sessions = new MemorySessionStore({ clock, ids: randomIds });
  const passwords = new PasswordService(config.passwords, clock);
  const iam: IamServices = createIamServices({
    store,
    sessions,
    passwords,
    clock,
    ids: randomIds,
    limits: config.limits,
    publicUrl: config.http.publicUrl,
    defaultReuseRestriction: 5,
    policyDocumentBytes: config.limits.policyDocumentBytes,
  });
  const { account } = await iam.accounts.create({ name: 'Unit' }, 'test');
  const builtin = Object.fromEntries(
    (await store.policies.list(account.id, { type: 'default' })).items.map((p) => [p.name, p.id]),
  );
  const user = async (name: string, extra: Record<string, unknown> = {}) =>
    (await iam.users.create(account.id, { name, ...extra }, 'test')).user;
  return {
    config,
    clock,
    store,
    sessions,
    iam,
    accountId: account.id,
    rootId: account.rootUserId as string,
    builtin,
    user,
  };
}
