import { afterAll } from '@jest/globals';
import mongoose from 'mongoose';
import { randomIds } from '../../../src/clock.js';
import { createMongoStore } from '../../../src/store/mongo/mongo-store.js';
import { describeWithServer, servers, uniqueName } from '../../support/servers.js';
import { describeAdminSuite } from './admin.suite.js';

/** The same admin suite on a MongoDB-wire server (FerretDB), in a database of its own. */
describeWithServer('mongo', 'admin API: mongo store', () => {
  const url = new URL(servers.mongoUri);
  url.pathname = `/${uniqueName('iamgw_admin').slice(0, 60)}`;
  const uri = url.toString();
  afterAll(async () => {
    const conn = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 2000 }).asPromise();
    await conn.dropDatabase();
    await conn.close();
  });
  describeAdminSuite('mongo', async (clock) => createMongoStore({ clock, ids: randomIds }, { uri }));
});
