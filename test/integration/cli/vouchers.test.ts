import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecretBox } from '../../../core/crypto.js';
import { findVoucherByCode } from '../../../core/db/queries/vouchers.js';
import { expectRefused, linesOf, runCli } from '../../helpers/run-cli.js';
import { resetTables, TEST_SECRET_KEY, testDb } from '../../helpers/test-db.js';

const box = createSecretBox(Buffer.from(TEST_SECRET_KEY, 'hex'));
const CODE = /^[abcdefghjkmnpqrstuvwxyz23456789]{10}$/;

describe('citywifi vouchers', function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(async () => {
    await resetTables();
    await testDb()('plans').insert({ name: 'harian', rate_limit: '2M/5M' });
    dir = mkdtempSync(join(tmpdir(), 'citywifi-vouchers-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const voucherCount = async () => Number((await testDb()('vouchers').count('* as n').first())!.n);
  const batchCount = async () => Number((await testDb()('voucher_batches').count('* as n').first())!.n);

  it('prints K distinct codes, one per line, stored only as a keyed hash and encrypted', async () => {
    const result = await runCli(['vouchers', 'create', '--plan', 'harian', '--count', '25']);
    expect(result.stderr).to.equal('');
    expect(result.code).to.equal(0);
    const codes = linesOf(result.stdout);
    expect(codes).to.have.length(25);
    for (const code of codes) expect(code).to.match(CODE);
    expect(new Set(codes).size).to.equal(25);

    const db = testDb();
    expect(await voucherCount()).to.equal(25);
    const batch = await db('voucher_batches').first();
    expect(batch).to.include({ count: 25, valid_for_seconds: 86_400, lock_to_first_mac: true, note: null });
    const rows = await db('vouchers').select();
    const stored = JSON.stringify(rows);
    for (const code of codes) {
      expect(stored).not.to.contain(code);
      const row = await db('vouchers').where({ code_hash: box.keyedHash(code) }).first();
      expect(row, code).to.not.equal(undefined);
      expect(row.batch_id).to.equal(batch.id);
      expect(box.decrypt(row.code_enc)).to.equal(code);
    }
    const typed = await findVoucherByCode(db, box, ` ${codes[0].slice(0, 5).toUpperCase()}-${codes[0].slice(5)} `);
    expect(typed?.id).to.equal(rows.find((r) => box.decrypt(r.code_enc) === codes[0]).id);
    expect(await findVoucherByCode(db, box, 'aaaaaaaaaa')).to.equal(undefined);
  });

  it('keeps the validity, the device lock and the note with the batch', async () => {
    const result = await runCli(['vouchers', 'create', '--plan', 'harian', '--count', '2', '--valid-for', '12h', '--no-lock-mac', '--note', 'Festival Situ Gintung']);
    expect(result.code, result.stderr).to.equal(0);
    const batch = await testDb()('voucher_batches').first();
    expect(batch).to.include({ count: 2, valid_for_seconds: 43_200, lock_to_first_mac: false, note: 'Festival Situ Gintung' });
    expect(batch.created_by).to.match(/^cli/);
  });

  it('creates a large batch in chunks', async () => {
    const result = await runCli(['vouchers', 'create', '--plan', 'harian', '--count', '2500']);
    expect(result.code, result.stderr).to.equal(0);
    expect(new Set(linesOf(result.stdout)).size).to.equal(2500);
    expect(await voucherCount()).to.equal(2500);
  });

  it('writes a self-contained printable sheet with every code, escaped, instead of printing codes', async () => {
    await testDb()('plans').insert({ name: 'Taman <b>"Kota"</b> & co' });
    const file = join(dir, 'kartu.html');
    const result = await runCli(['vouchers', 'create', '--plan', 'Taman <b>"Kota"</b> & co', '--count', '30', '--valid-for', '3h', '--html', file]);
    expect(result.code, result.stderr).to.equal(0);
    expect(linesOf(result.stdout)).to.have.length(1);
    expect(result.stdout).to.match(/^vouchers created: batch=\d+ plan="Taman <b>\\"Kota\\"<\/b> & co" count=30 valid-for=3h lock-mac=yes html=/);

    const html = readFileSync(file, 'utf8');
    const rows = await testDb()('vouchers').select('code_enc');
    expect(rows).to.have.length(30);
    for (const { code_enc } of rows) {
      const code = box.decrypt(code_enc);
      expect(result.stdout).not.to.contain(code);
      expect(html).to.contain(`>${code}<`);
    }
    expect(html).not.to.match(/https?:/i);
    expect(html).not.to.match(/<(link|script|img|iframe)\b/i);
    expect(html).to.contain('Kode voucher');
    expect(html).to.contain('Berlaku 3 jam');
    expect(html).to.contain('Masukkan kode voucher');
    expect(html).to.contain('Taman &lt;b&gt;&quot;Kota&quot;&lt;/b&gt; &amp; co');
    expect(html).not.to.contain('<b>"Kota"</b>');
    expect(html.match(/class="page"/g)).to.have.length(2);
  });

  it('never overwrites an existing sheet, and writes nothing then', async () => {
    const file = join(dir, 'lama.html');
    writeFileSync(file, 'kode lama');
    expectRefused(await runCli(['vouchers', 'create', '--plan', 'harian', '--count', '3', '--html', file]), /--html: .*lama\.html already exists/);
    expect(readFileSync(file, 'utf8')).to.equal('kode lama');
    expect(await batchCount()).to.equal(0);
  });

  it('refuses an unknown plan, a bad count or validity in one line, writing nothing and leaving no sheet', async () => {
    const file = join(dir, 'kartu.html');
    expectRefused(await runCli(['vouchers', 'create', '--plan', 'bulanan', '--count', '3', '--html', file]), /no plan named "bulanan"/);
    expect(existsSync(file)).to.equal(false);
    expectRefused(await runCli(['vouchers', 'create', '--plan', 'harian', '--count', '0']), /--count: "0" is out of range: use 1 to 10000/);
    expectRefused(await runCli(['vouchers', 'create', '--plan', 'harian', '--count', '10001']), /--count/);
    expectRefused(await runCli(['vouchers', 'create', '--plan', 'harian', '--count', 'sepuluh']), /--count: "sepuluh" is not a whole number/);
    expectRefused(await runCli(['vouchers', 'create', '--plan', 'harian', '--count', '3', '--valid-for', '1 minggu']), /--valid-for/);
    expectRefused(await runCli(['vouchers', 'create', '--plan', 'harian']), /required option '--count <count>'/);
    expect(await batchCount()).to.equal(0);
    expect(await voucherCount()).to.equal(0);
  });
});
