import { afterAll, beforeAll } from '@jest/globals';
import { describeAuditCases } from './audit.cases.js';
import { describeAuthorizationCases } from './authz.cases.js';
import { describeEntityCases } from './entities.cases.js';
import { describeProviderCases } from './providers.cases.js';
import { describeRelationCases } from './relations.cases.js';
import { startHarness, type Harness, type StoreFactory } from './harness.js';

/** One suite body for every store adapter (DESIGN §4): each adapter gets its own running gateway. */
export function describeAdminSuite(kind: string, makeStore: StoreFactory): void {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await startHarness(makeStore);
  });
  afterAll(async () => {
    await h?.close();
  });
  const get = (): Harness => {
    if (!h) throw new Error(`${kind} harness did not start`);
    return h;
  };
  describeEntityCases(get);
  describeProviderCases(get);
  describeRelationCases(get);
  describeAuthorizationCases(get);
  describeAuditCases(get);
}
