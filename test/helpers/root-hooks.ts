import { setUpTestDatabase, tearDownTestDatabase } from './test-db.js';

// One fresh PostgreSQL database for the whole run, migrated once and dropped at the end.
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60_000);
    if (process.env.TZ !== 'Asia/Jakarta') throw new Error('run the tests with TZ=Asia/Jakarta (npm test does)');
    await setUpTestDatabase();
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await tearDownTestDatabase();
  },
};
