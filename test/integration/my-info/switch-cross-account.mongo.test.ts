import { describeWithServer, mongoTestDatabase } from '../../support/servers.js';
import { describeCrossAccountSwitch } from './switch-cross-account.suite.js';

/** The same suite on the mongo adapter (FerretDB here): the verified-contact lookup through its index. */
describeWithServer('mongo', 'account switching on the mongo store', () => {
  const uri = mongoTestDatabase('iamgw_switch');
  describeCrossAccountSwitch('mongo', () => ({ MONGODB_URI: uri }));
});
