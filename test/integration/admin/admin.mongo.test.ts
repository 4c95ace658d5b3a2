import { randomIds } from '../../../src/clock.js';
import { createMongoStore } from '../../../src/store/mongo/mongo-store.js';
import { describeWithServer, mongoTestDatabase } from '../../support/servers.js';
import { describeAdminSuite } from './admin.suite.js';

/** The same admin suite on a MongoDB-wire server (FerretDB), in a database of its own. */
describeWithServer('mongo', 'admin API: mongo store', () => {
  const uri = mongoTestDatabase('iamgw_admin');
  describeAdminSuite('mongo', async (clock) => createMongoStore({ clock, ids: randomIds }, { uri }));
});
