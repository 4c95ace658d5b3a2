import { describe } from '@jest/globals';
import { describeAdminSuite } from './admin.suite.js';

describe('admin API: memory store', () => {
  describeAdminSuite('memory', async () => undefined);
});
