import { expect, it } from '@jest/globals';
import { ManualClock, randomIds } from '../../src/clock.js';
import { createMongoStore } from '../../src/store/mongo/mongo-store.js';
import { describeWithServer, mongoTestDatabase } from '../support/servers.js';
import { describeStoreContract } from './store.contract.js';

/** The same contract against a MongoDB-wire server (FerretDB v1.24 here), in a database of its own. */
describeWithServer('mongo', 'entity store: mongo adapter', () => {
  const uri = mongoTestDatabase('iamgw_store');

  describeStoreContract('mongo', async (deps, options) => {
    const store = createMongoStore(deps, { ...options, uri });
    await store.init();
    return store;
  });

  it('[mongo] an unreachable server fails closed with STORE_UNAVAILABLE', async () => {
    // port 9 (discard) is closed on these machines: the driver gives up after the short selection timeout
    const store = createMongoStore(
      { clock: new ManualClock(), ids: randomIds },
      { uri: 'mongodb://127.0.0.1:9/x', serverSelectionTimeoutMS: 300 },
    );
    try {
      await expect(store.init()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', status: 503 });
      await expect(store.groups.get('a', 'b')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    } finally {
      await store.close();
    }
  });
});
