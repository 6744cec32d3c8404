import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, migrateLatest, migrateRollbackAll } from '../../../core/db/index.js';
import { ensureSessionPartitions } from '../../../core/db/queries/sessions.js';
import { createEmptyDatabase, dropDatabase, testDb } from '../../helpers/test-db.js';

describe('migrations', function () {
  this.timeout(120_000);

  it('seed all 54 kelurahan under their 7 kecamatan, joined on the official code', async () => {
    const db = testDb();
    const counts = await db('areas').select('level').count('* as n').groupBy('level').orderBy('level');
    expect(counts).to.deep.equal([
      { level: 'kecamatan', n: 7 },
      { level: 'kelurahan', n: 54 },
    ]);
    const sawah = await db('area_aliases').where({ alias: 'sawah lama' }).first();
    expect(sawah.area_code).to.equal('36.74.04.1004');
    const ciputat = await db('areas').where({ code: '36.74.04.1003' }).first();
    expect(ciputat.parent_code).to.equal('36.74.04');
  });

  it('create monthly session partitions, and more on demand, moving rows out of the default one', async () => {
    const db = testDb();
    const partitions = async () =>
      (await db.raw(`select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'sessions'::regclass order by 1`)).rows.map(
        (r: { relname: string }) => r.relname,
      );
    const before = await partitions();
    expect(before).to.include('sessions_default');
    expect(before.length).to.be.greaterThan(3);
    // A session far in the future lands in the default partition until its month is made.
    await db.raw(`insert into sessions (nas_id, acct_session_id, username, started_at, updated_at) values (1, 'future', 'x', now() + interval '5 months', now())`);
    expect(await ensureSessionPartitions(db, 6)).to.be.greaterThan(0);
    const after = await partitions();
    expect(after.length).to.be.greaterThan(before.length);
    const { rows } = await db.raw(`select tableoid::regclass::text as part from sessions where acct_session_id = 'future'`);
    expect(rows[0].part).to.match(/^sessions_\d{6}$/);
    await db.raw(`delete from sessions where acct_session_id = 'future'`);
  });

  it('run down and up again on PostgreSQL', async () => {
    const { url, name } = await createEmptyDatabase('citywifi_migr');
    const db = await createDb({ databaseUrl: url, dataDir: '.' });
    try {
      await migrateLatest(db);
      const undone = await migrateRollbackAll(db);
      expect(undone.length).to.be.greaterThan(1);
      const { rows } = await db.raw(`select count(*)::int as n from pg_tables where schemaname = 'public' and tablename not like 'knex%'`);
      expect(rows[0].n).to.equal(0);
      await migrateLatest(db);
      expect(await db('areas').count('* as n').first()).to.deep.equal({ n: 61 });
    } finally {
      await db.destroy();
      await dropDatabase(name);
    }
  });

  it('run up, down and up on the embedded database (PGlite)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'citywifi-pglite-'));
    const db = await createDb({ databaseUrl: undefined, dataDir: dir });
    try {
      await migrateLatest(db);
      expect(await db('areas').count('* as n').first()).to.deep.equal({ n: 61 });
      await migrateRollbackAll(db);
      await migrateLatest(db);
      expect(await db('areas').where({ level: 'kecamatan' }).count('* as n').first()).to.deep.equal({ n: 7 });
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
