import { afterAll } from '@jest/globals';
import mongoose from 'mongoose';
import { describeWithServer, servers, uniqueName } from '../../support/servers.js';
import { describeCrossAccountSwitch } from './switch-cross-account.suite.js';

/** The same suite on the mongo adapter (FerretDB here): the verified-contact lookup through its index. */
describeWithServer('mongo', 'account switching on the mongo store', () => {
  // Built lazily: when the suite is skipped (no MONGODB_URI) its body still runs to collect the tests.
  let uri = '';
  const database = () => {
    if (!uri) {
      const url = new URL(servers.mongoUri);
      url.pathname = `/${uniqueName('iamgw_switch').slice(0, 60)}`;
      uri = url.toString();
    }
    return uri;
  };
  afterAll(async () => {
    const conn = await mongoose.createConnection(database(), { serverSelectionTimeoutMS: 2000 }).asPromise();
    await conn.dropDatabase();
    await conn.close();
  });
  describeCrossAccountSwitch('mongo', () => ({ MONGODB_URI: database() }));
});
