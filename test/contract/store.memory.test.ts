import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, randomIds } from '../../src/clock.js';
import { createMemoryStore } from '../../src/store/memory/memory-store.js';
import { describeStoreContract } from './store.contract.js';
import { newAccountId, samples } from './store.fixtures.js';

describe('entity store: memory adapter', () => {
  describeStoreContract('memory', async (deps, options) => {
    const store = createMemoryStore(deps, options);
    await store.init();
    return store;
  });
});

describe('entity store: memory adapter persistence (store.memoryFile)', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('[memory] data written by one instance is there after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'iamgw-store-'));
    dirs.push(dir);
    const file = join(dir, 'nested', 'store.json');
    const deps = { clock: new ManualClock(), ids: randomIds };
    const accountId = newAccountId();

    const first = createMemoryStore(deps, { file });
    await first.init();
    const group = await first.groups.create({ ...samples.groups(accountId, 1), tags: [{ key: 'env', value: 'dev' }] });
    const updated = await first.groups.update(accountId, group.id, 1, { memberIds: ['u1'] }, 'admin');
    const event = await first.audit.append({
      accountId,
      actor: 'admin',
      action: 'group.create',
      target: group.id,
      sourceIp: null,
      result: 'success',
      reasonCode: null,
      details: {},
    });
    await first.close();
    expect(await readdir(join(dir, 'nested'))).toEqual(['store.json']); // the temp file was renamed away

    const second = createMemoryStore(deps, { file });
    await second.init();
    expect(await second.groups.get(accountId, group.id)).toEqual(updated);
    expect(await second.groups.getByName(accountId, 'group-1')).toEqual(updated);
    expect((await second.audit.list(accountId)).items).toEqual([event]);
    await expect(second.groups.create(samples.groups(accountId, 1))).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await second.close();
  });

  it('[memory] a missing file starts empty', async () => {
    const store = createMemoryStore(
      { clock: new ManualClock(), ids: randomIds },
      { file: join(tmpdir(), `iamgw-none-${randomIds.hex32()}.json`) },
    );
    await store.init();
    expect(await store.accounts.countAll()).toBe(0);
    await store.close();
  });
});
