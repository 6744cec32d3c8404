import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { Agent, resetDashboardTables, seedAccounts, startDashboardFixture, type DashboardFixture } from '../../helpers/dashboard-fixture.js';
import { testDb } from '../../helpers/test-db.js';

/**
 * The city's report: every figure equals a sum worked out here straight from the tables (sites,
 * rollups_daily, feedback, problem_reports, coverage_targets), for the city and for one kelurahan,
 * in the JSON API, the CSV, the XLSX and the open-data CSV.
 */

const A = '36.74.01.1001'; // Ciater, Serpong
const B = '36.74.01.1002'; // Rawabuntu, Serpong
const C = '36.74.04.1004'; // Sawah, Ciputat
const SERPONG = '36.74.01';
const CIPUTAT = '36.74.04';

interface SiteSeed {
  code: string;
  area: string | null;
  installed: string | null;
  commissioned: string | null;
  decommissioned?: string;
  /** the days it has rollups, inclusive */
  days: [string, string] | null;
  kind: 'normal' | 'down' | 'maintenance';
}

const SITES: SiteSeed[] = [
  { code: 'A-1', area: A, installed: '2026-01-05', commissioned: '2026-01-10', days: ['2026-09-28', '2026-11-03'], kind: 'normal' },
  { code: 'A-2', area: A, installed: '2026-09-01', commissioned: '2026-10-20', days: ['2026-10-20', '2026-11-03'], kind: 'normal' },
  { code: 'A-3', area: A, installed: '2026-10-15', commissioned: null, days: ['2026-10-15', '2026-11-03'], kind: 'normal' },
  { code: 'A-4', area: A, installed: '2025-03-01', commissioned: '2025-03-10', decommissioned: '2026-10-10', days: ['2026-10-01', '2026-10-09'], kind: 'normal' },
  { code: 'A-5', area: A, installed: '2026-11-10', commissioned: null, days: null, kind: 'normal' },
  { code: 'B-1', area: B, installed: null, commissioned: '2026-02-01', days: ['2026-10-01', '2026-10-31'], kind: 'down' },
  { code: 'C-1', area: C, installed: '2026-02-20', commissioned: '2026-03-01', days: ['2026-09-30', '2026-11-01'], kind: 'maintenance' },
  { code: 'Z-1', area: null, installed: null, commissioned: '2026-01-01', days: ['2026-10-01', '2026-10-31'], kind: 'normal' },
];

function eachDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) days.push(d.toISOString().slice(0, 10));
  return days;
}

function rollupFor(site: SiteSeed, index: number, day: string): Record<string, number | string> {
  const n = Number(day.slice(8)) + index * 3;
  const usage = { users: 10 + (n % 7), sessions: 20 + (n % 4), session_time: (20 + (n % 4)) * 1800 + n, input_octets: 123_456_789 * ((n % 3) + 1), output_octets: 23_456_789 * ((n % 4) + 1) };
  if (site.kind === 'down') return { day, up_seconds: 0, degraded_seconds: 0, down_seconds: 86_400, maintenance_seconds: 0, unknown_seconds: 0, users: 0, sessions: 0, session_time: 0, input_octets: 0, output_octets: 0 };
  if (site.kind === 'maintenance') {
    // planned work every day, a whole day of it on the 12th: never down, so 100 % uptime
    if (day === '2026-10-12') return { day, up_seconds: 0, degraded_seconds: 0, down_seconds: 0, maintenance_seconds: 86_400, unknown_seconds: 0, ...usage, users: 0, sessions: 0, session_time: 0, input_octets: 0, output_octets: 0 };
    return { day, up_seconds: 80_000, degraded_seconds: 0, down_seconds: 0, maintenance_seconds: 6_400, unknown_seconds: 0, ...usage };
  }
  const degraded = (n % 3) * 600;
  const down = (n % 5) * 900;
  const maintenance = n % 6 === 0 ? 3_600 : 0;
  const unknown = n % 4 === 0 ? 300 : 0;
  return { day, up_seconds: 86_400 - degraded - down - maintenance - unknown, degraded_seconds: degraded, down_seconds: down, maintenance_seconds: maintenance, unknown_seconds: unknown, ...usage };
}

const FEEDBACK: Array<[string, string, number]> = [
  ['A-1', '2026-10-01T00:00:00+07:00', 5],
  ['A-1', '2026-09-30T23:59:59+07:00', 1], // before the month (local time)
  ['A-1', '2026-10-31T23:59:59+07:00', 4],
  ['A-1', '2026-11-01T00:00:00+07:00', 1], // after it
  ['A-1', '2026-10-15T12:00:00+07:00', 2],
  ['A-2', '2026-10-21T08:00:00+07:00', 3],
  ['C-1', '2026-10-05T08:00:00+07:00', 5],
  ['C-1', '2026-10-06T08:00:00+07:00', 5],
  ['Z-1', '2026-10-07T08:00:00+07:00', 3],
];

const PROBLEMS: Array<[string, string]> = [
  ['A-1', '2026-10-02T10:00:00+07:00'],
  ['A-3', '2026-10-30T10:00:00+07:00'],
  ['A-1', '2026-11-01T00:00:01+07:00'], // after the month
  ['B-1', '2026-10-03T10:00:00+07:00'],
  ['C-1', '2026-10-31T23:00:00+07:00'],
];

async function seedReportData(): Promise<void> {
  const db = testDb();
  for (const [index, site] of SITES.entries()) {
    const [row] = await db('sites')
      .insert({ code: site.code, name: `Taman ${site.code}`, area_code: site.area, installed_on: site.installed, commissioned_on: site.commissioned, decommissioned_on: site.decommissioned ?? null })
      .returning('id');
    if (site.days) await db('rollups_daily').insert(eachDay(site.days[0], site.days[1]).map((day) => ({ site_id: row.id, ...rollupFor(site, index, day) })));
  }
  const idOf = async (code: string) => (await db('sites').where({ code }).first('id')).id as number;
  for (const [code, at, rating] of FEEDBACK) await db('feedback').insert({ site_id: await idOf(code), at, rating });
  for (const [code, at] of PROBLEMS) await db('problem_reports').insert({ site_id: await idOf(code), at, kind: 'no-internet' });
  await db('coverage_targets').insert([
    { year: 2026, area_code: A, target_sites: 5 },
    { year: 2026, area_code: B, target_sites: 3 },
    { year: 2026, area_code: C, target_sites: 4 },
    { year: 2026, area_code: CIPUTAT, target_sites: 10 },
    { year: 2025, area_code: A, target_sites: 99 },
  ]);
}

interface Tables {
  sites: Array<{ id: number; area_code: string | null; installed_on: string | null; commissioned_on: string | null; decommissioned_on: string | null }>;
  rollups: Array<Record<string, number | string>>;
  feedback: Array<{ site_id: number; at: Date; rating: number }>;
  problems: Array<{ site_id: number; at: Date }>;
}

async function readTables(): Promise<Tables> {
  const db = testDb();
  const sites = await db.raw(`select id, area_code, to_char(installed_on, 'YYYY-MM-DD') as installed_on, to_char(commissioned_on, 'YYYY-MM-DD') as commissioned_on,
                                     to_char(decommissioned_on, 'YYYY-MM-DD') as decommissioned_on from sites`);
  const rollups = await db.raw(`select *, to_char(day, 'YYYY-MM-DD') as day from rollups_daily`);
  return { sites: sites.rows, rollups: rollups.rows, feedback: await db('feedback').select('site_id', 'at', 'rating'), problems: await db('problem_reports').select('site_id', 'at') };
}

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

/** The figures of the sites `inArea` picks, summed here from the rows themselves. */
function expectedFigures(tables: Tables, inArea: (areaCode: string | null) => boolean, period: { fromDay: string; toDay: string; countingDay: string; from: Date; to: Date }) {
  const sites = tables.sites.filter((s) => inArea(s.area_code));
  const ids = new Set(sites.map((s) => s.id));
  const rows = tables.rollups.filter((r) => ids.has(Number(r.site_id)) && String(r.day) >= period.fromDay && String(r.day) < period.toDay);
  const sum = (key: string) => rows.reduce((acc, r) => acc + Number(r[key]), 0);
  const gone = (s: Tables['sites'][number]) => s.decommissioned_on !== null && s.decommissioned_on <= period.countingDay;
  const live = (id: number) => rows.some((r) => Number(r.site_id) === id && (Number(r.up_seconds) + Number(r.degraded_seconds) > 0 || Number(r.sessions) > 0));
  const ratings = tables.feedback.filter((f) => ids.has(f.site_id) && f.at >= period.from && f.at < period.to).map((f) => f.rating);
  const up = sum('up_seconds');
  const degraded = sum('degraded_seconds');
  const down = sum('down_seconds');
  const bytes = sum('input_octets') + sum('output_octets');
  return {
    installed: sites.filter((s) => (s.installed_on ?? s.commissioned_on) !== null && (s.installed_on ?? s.commissioned_on)! <= period.countingDay && !gone(s)).length,
    commissioned: sites.filter((s) => s.commissioned_on !== null && s.commissioned_on <= period.countingDay && !gone(s)).length,
    active: sites.filter((s) => s.commissioned_on !== null && s.commissioned_on <= period.countingDay && live(s.id)).length,
    uptimePercent: up + degraded + down > 0 ? round(((up + degraded) / (up + degraded + down)) * 100, 2) : null,
    seconds: { up, degraded, down, maintenance: sum('maintenance_seconds'), unknown: sum('unknown_seconds') },
    maintenanceHours: round(sum('maintenance_seconds') / 3600, 1),
    users: sum('users'),
    sessions: sum('sessions'),
    sessionSeconds: sum('session_time'),
    hours: round(sum('session_time') / 3600, 1),
    bytes,
    gigabytes: round(bytes / 1e9, 2),
    ratings: ratings.length,
    averageRating: ratings.length ? round(ratings.reduce((a, b) => a + b, 0) / ratings.length, 2) : null,
    satisfiedPercent: ratings.length ? round((ratings.filter((r) => r >= 4).length / ratings.length) * 100, 1) : null,
    problemReports: tables.problems.filter((p) => ids.has(p.site_id) && p.at >= period.from && p.at < period.to).length,
  };
}

const OCTOBER = { fromDay: '2026-10-01', toDay: '2026-11-01', countingDay: '2026-10-31', from: new Date('2026-10-01T00:00:00+07:00'), to: new Date('2026-11-01T00:00:00+07:00') };
const YEAR_2026 = { fromDay: '2026-01-01', toDay: '2027-01-01', countingDay: '2026-11-25', from: new Date('2026-01-01T00:00:00+07:00'), to: new Date('2027-01-01T00:00:00+07:00') };

/** The CSV and XLSX column labels (Bahasa Indonesia) of each figure. */
const LABELS: Record<string, string> = {
  installed: 'titik terpasang',
  commissioned: 'titik beroperasi',
  active: 'titik aktif',
  target: 'target titik',
  uptimePercent: 'uptime (%)',
  maintenanceHours: 'jam pemeliharaan',
  users: 'kunjungan pengguna',
  sessions: 'sesi',
  hours: 'jam penggunaan',
  gigabytes: 'data (GB)',
  averageRating: 'rata-rata penilaian',
  satisfiedPercent: 'puas (%)',
  ratings: 'jumlah penilaian',
  problemReports: 'laporan masalah',
};

/** The figures a person reads in an export, from an object of the expected ones. */
function readable(e: ReturnType<typeof expectedFigures>, target: number | null) {
  const { seconds: _s, sessionSeconds: _ss, bytes: _b, ...rest } = e;
  return { ...rest, target };
}

describe('dashboard: reports', function () {
  this.timeout(60_000);
  let dashboard: DashboardFixture;
  let agent: Agent;
  let tables: Tables;

  before(async () => {
    await resetDashboardTables();
    await seedAccounts();
    await seedReportData();
    tables = await readTables();
    dashboard = await startDashboardFixture();
  });
  beforeEach(async () => {
    agent = new Agent(dashboard.url);
    await agent.signIn('rina');
  });
  after(async () => {
    await dashboard.close();
  });

  it('gives, for a month, city and kelurahan figures equal to sums straight from the tables (JSON API)', async () => {
    const result = await agent.get('/api/reports?period=2026-10');
    expect(result.status).to.equal(200);
    const body = JSON.parse(result.body);
    expect(body.period).to.deep.include({ text: '2026-10', kind: 'month', fromDay: '2026-10-01', toDay: '2026-11-01', countingDay: '2026-10-31' });

    const city = expectedFigures(tables, () => true, OCTOBER);
    // what the definitions say, written out: installed A-1 A-2 A-3 B-1 C-1 Z-1; active A-1 A-2 A-4 C-1 Z-1
    expect([city.installed, city.commissioned, city.active]).to.deep.equal([6, 5, 5]);
    expect(body.city).to.deep.include({ ...city, target: 18, level: 'kota' });

    const ciater = body.kecamatan.find((k: { code: string }) => k.code === SERPONG).kelurahan.find((l: { code: string }) => l.code === A);
    const expectedCiater = expectedFigures(tables, (code) => code === A, OCTOBER);
    expect([expectedCiater.installed, expectedCiater.commissioned, expectedCiater.active]).to.deep.equal([3, 2, 3]);
    expect([expectedCiater.ratings, expectedCiater.averageRating, expectedCiater.satisfiedPercent, expectedCiater.problemReports]).to.deep.equal([4, 3.5, 50, 2]);
    expect(ciater).to.deep.include({ ...expectedCiater, target: 5, name: 'Ciater', kecamatanCode: SERPONG });

    const serpong = body.kecamatan.find((k: { code: string }) => k.code === SERPONG);
    expect(serpong).to.deep.include({ ...expectedFigures(tables, (code) => code !== null && code.startsWith(`${SERPONG}.`), OCTOBER), target: 8 });
    const ciputat = body.kecamatan.find((k: { code: string }) => k.code === CIPUTAT);
    // a kecamatan's own target wins over the sum of its kelurahan's
    expect(ciputat.target).to.equal(10);
    expect(body.kecamatan.find((k: { code: string }) => k.code === '36.74.02').target).to.equal(null);
    // every kelurahan is there, keyed by its Kemendagri code
    expect(body.kecamatan.flatMap((k: { kelurahan: unknown[] }) => k.kelurahan)).to.have.length(54);
  });

  it('leaves planned maintenance out of uptime', async () => {
    const body = JSON.parse((await agent.get('/api/reports?period=2026-10')).body);
    const sawah = body.kecamatan.find((k: { code: string }) => k.code === CIPUTAT).kelurahan.find((l: { code: string }) => l.code === C);
    // Sawah's one site was never down: maintenance every day, a whole day of it, and still 100 %
    expect(sawah.seconds.maintenance).to.equal(30 * 6_400 + 86_400);
    expect(sawah.seconds.down).to.equal(0);
    expect(sawah.uptimePercent).to.equal(100);
    expect(sawah.maintenanceHours).to.equal(round((30 * 6_400 + 86_400) / 3600, 1));
    // Rawabuntu's site was down all month: 0 %, not "no data"
    const rawabuntu = body.kecamatan.find((k: { code: string }) => k.code === SERPONG).kelurahan.find((l: { code: string }) => l.code === B);
    expect(rawabuntu.uptimePercent).to.equal(0);
    // a kelurahan with no sites has no uptime at all
    const empty = body.kecamatan.find((k: { code: string }) => k.code === '36.74.02').kelurahan[0];
    expect(empty).to.deep.include({ installed: 0, uptimePercent: null, averageRating: null, target: null });
  });

  it('gives a year the same way, counting sites as of today while the year runs', async () => {
    const body = JSON.parse((await agent.get('/api/reports?period=2026')).body);
    expect(body.period).to.deep.include({ kind: 'year', countingDay: '2026-11-25' });
    expect(body.city).to.deep.include({ ...expectedFigures(tables, () => true, YEAR_2026), target: 18 });
    const ciater = body.kecamatan.find((k: { code: string }) => k.code === SERPONG).kelurahan.find((l: { code: string }) => l.code === A);
    expect(ciater).to.deep.include(expectedFigures(tables, (code) => code === A, YEAR_2026));
    // A-5 is installed on 10 November: in the year, not in October
    expect(ciater.installed).to.equal(4);
  });

  it('exports a CSV that parses back to the same figures', async () => {
    const result = await agent.get('/reports/export.csv?period=2026-10');
    expect(result.status).to.equal(200);
    expect(result.response.headers.get('content-type')).to.match(/^text\/csv/);
    expect(result.response.headers.get('content-disposition')).to.equal('attachment; filename="citywifi-laporan-2026-10.csv"');
    const rows = parse(result.body, { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(rows).to.have.length(1 + 7 + 54);
    const asNumbers = (row: Record<string, string>) => Object.fromEntries(Object.entries(LABELS).map(([key, label]) => [key, row[label] === '' ? null : Number(row[label])]));
    const city = rows.find((r) => r.tingkat === 'kota')!;
    expect(city.nama).to.equal('Total kota');
    expect(asNumbers(city)).to.deep.equal(readable(expectedFigures(tables, () => true, OCTOBER), 18));
    const ciater = rows.find((r) => r.kode === A)!;
    expect(ciater).to.deep.include({ tingkat: 'kelurahan', nama: 'Ciater', 'kode kecamatan': SERPONG, 'nama kecamatan': 'Serpong' });
    expect(asNumbers(ciater)).to.deep.equal(readable(expectedFigures(tables, (code) => code === A, OCTOBER), 5));
  });

  it('exports an XLSX with a sheet per level and a metadata sheet, read back to the same figures', async () => {
    const response = await fetch(`${dashboard.url}/reports/export.xlsx?period=2026-10`, { headers: { cookie: [...agent.cookies].map(([n, v]) => `${n}=${v}`).join('; ') } });
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).to.deep.equal(['Kota', 'Kecamatan', 'Kelurahan', 'Metadata']);
    const records = (name: string) => {
      const sheet = workbook.getWorksheet(name)!;
      const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
      const out: Array<Record<string, unknown>> = [];
      sheet.eachRow((row, n) => {
        if (n === 1) return;
        const values = (row.values as unknown[]).slice(1);
        out.push(Object.fromEntries(header.map((h, i) => [h, values[i] ?? null])));
      });
      return out;
    };
    const figures = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(LABELS).map(([key, label]) => [key, row[label]]));
    const [city] = records('Kota');
    expect(figures(city)).to.deep.equal(readable(expectedFigures(tables, () => true, OCTOBER), 18));
    expect(records('Kecamatan')).to.have.length(7);
    const kelurahan = records('Kelurahan');
    expect(kelurahan).to.have.length(54);
    const ciater = kelurahan.find((r) => r.kode === A)!;
    expect(ciater).to.deep.include({ nama: 'Ciater', 'kode kecamatan': SERPONG });
    expect(figures(ciater)).to.deep.equal(readable(expectedFigures(tables, (code) => code === A, OCTOBER), 5));
    const meta = workbook.getWorksheet('Metadata')!;
    expect(meta.getRow(2).values).to.deep.equal([undefined, 'periode', '2026-10']);
  });

  it('exports open data in the Satu Data style, one row per kelurahan keyed by Kemendagri codes, with its metadata', async () => {
    const result = await agent.get('/reports/open-data.csv?period=2026-10');
    expect(result.status).to.equal(200);
    const [header] = parse(result.body, { to_line: 1 }) as string[][];
    expect(header).to.deep.equal([
      'kode_kabupaten_kota', 'kode_kecamatan', 'nama_kecamatan', 'kode_kelurahan', 'nama_kelurahan', 'tahun', 'bulan',
      'jumlah_titik_terpasang', 'jumlah_titik_beroperasi', 'jumlah_titik_aktif', 'target_titik', 'persentase_uptime',
      'jumlah_jam_pemeliharaan', 'jumlah_kunjungan_pengguna', 'jumlah_sesi', 'jumlah_jam_penggunaan', 'jumlah_data_gb',
      'rata_rata_kepuasan', 'persentase_puas', 'jumlah_penilaian', 'jumlah_laporan_masalah',
    ]);
    const rows = parse(result.body, { columns: true }) as Array<Record<string, string>>;
    const codes = (await testDb()('areas').where({ level: 'kelurahan' }).orderBy('code').pluck('code')) as string[];
    expect(rows.map((r) => r.kode_kelurahan)).to.deep.equal(codes);
    const ciater = rows.find((r) => r.kode_kelurahan === A)!;
    const e = expectedFigures(tables, (code) => code === A, OCTOBER);
    expect(ciater).to.deep.equal({
      kode_kabupaten_kota: '36.74', kode_kecamatan: SERPONG, nama_kecamatan: 'Serpong', kode_kelurahan: A, nama_kelurahan: 'Ciater', tahun: '2026', bulan: '10',
      jumlah_titik_terpasang: String(e.installed), jumlah_titik_beroperasi: String(e.commissioned), jumlah_titik_aktif: String(e.active), target_titik: '5',
      persentase_uptime: String(e.uptimePercent), jumlah_jam_pemeliharaan: String(e.maintenanceHours), jumlah_kunjungan_pengguna: String(e.users),
      jumlah_sesi: String(e.sessions), jumlah_jam_penggunaan: String(e.hours), jumlah_data_gb: String(e.gigabytes), rata_rata_kepuasan: String(e.averageRating),
      persentase_puas: String(e.satisfiedPercent), jumlah_penilaian: String(e.ratings), jumlah_laporan_masalah: String(e.problemReports),
    });
    // a year leaves the month empty
    const yearly = parse((await agent.get('/reports/open-data.csv?period=2026')).body, { columns: true }) as Array<Record<string, string>>;
    expect(yearly[0]).to.deep.include({ tahun: '2026', bulan: '' });

    const meta = JSON.parse((await agent.get('/reports/open-data-metadata.json?period=2026-10')).body);
    expect(meta).to.deep.include({ produsen_data: 'Diskominfo Kota Tangerang Selatan', periode: '2026-10', tanggal_pembaruan: '2026-11-25', judul: 'Layanan Wi-Fi Publik per Kelurahan, Oktober 2026' });
    expect(meta.lisensi).to.contain('CC BY 4.0');
    expect(meta.kolom.map((c: { nama: string }) => c.nama)).to.deep.equal(header);
    const metaCsv = parse((await agent.get('/reports/open-data-metadata.csv?period=2026-10')).body, { columns: true }) as Array<{ atribut: string; nilai: string }>;
    expect(metaCsv.find((r) => r.atribut === 'produsen_data')!.nilai).to.equal('Diskominfo Kota Tangerang Selatan');
    expect(metaCsv.find((r) => r.atribut === 'kolom:kode_kelurahan')!.nilai).to.contain('Kemendagri');
  });

  it('shows the report on a page and a printable page (period and time made in Asia/Jakarta, no navigation)', async () => {
    const page = await agent.get('/reports?period=2026-10');
    expect(page.status).to.equal(200);
    expect(page.body).to.contain('Periode: Oktober 2026').and.contain('href="/reports/export.xlsx?period=2026-10"').and.contain('href="/reports/open-data.csv?period=2026-10"');
    const row = new RegExp(`<tr data-code="${A.replace(/\./g, '\\.')}"[^>]*>([\\s\\S]*?)</tr>`).exec(page.body)![1];
    expect(row).to.contain('Ciater').and.contain('<td class="num" data-col="installed">3</td>').and.contain('<td class="num" data-col="target">5</td>');
    const print = await agent.get('/reports/print?period=2026-10');
    expect(print.status).to.equal(200);
    expect(print.body).to.contain('href="/static/print.css"').and.contain('Periode: Oktober 2026').and.contain('09.00').and.contain('(Asia/Jakarta)');
    expect(print.body).not.to.contain('<nav').and.not.contain('dashboard.css');
    expect((print.body.match(/<section class="sheet">/g) ?? []).length).to.equal(1 + 7 + 1);
    const css = await fetch(`${dashboard.url}/static/print.css`);
    expect(await css.text()).to.contain('size:A4').and.contain('break-before:page');
    // with no period: the current month
    expect((await agent.get('/reports')).body).to.contain('Periode: November 2026');
  });

  it('refuses a bad period with a 400 in Bahasa Indonesia (pages and downloads) and a JSON error (API)', async () => {
    const cases: Array<[string, string]> = [
      ['2026-13', 'Bulan pada periode &#34;2026-13&#34; harus 01 sampai 12.'],
      ['okt-2026', 'Periode &#34;okt-2026&#34; tidak dapat dibaca. Tulis bulan sebagai TTTT-BB (misalnya 2026-11) atau tahun sebagai TTTT (misalnya 2026).'],
      ['2027', 'Periode &#34;2027&#34; belum dimulai, jadi belum ada angkanya.'],
      ['1999-05', 'Periode &#34;1999-05&#34; terlalu awal: laporan tersedia mulai tahun 2000.'],
    ];
    for (const [period, message] of cases) {
      for (const path of ['/reports', '/reports/export.csv', '/reports/export.xlsx', '/reports/open-data.csv', '/reports/print']) {
        const result = await agent.get(`${path}?period=${encodeURIComponent(period)}`);
        expect(result.status, `${path} ${period}`).to.equal(400);
        expect(result.body, `${path} ${period}`).to.contain(message);
      }
    }
    const api = await agent.get('/api/reports?period=2026-13');
    expect(api.status).to.equal(400);
    expect(JSON.parse(api.body)).to.deep.equal({ error: 'bad-period', message: 'the month of period must be 01 to 12' });
    expect((await agent.get('/api/usage?period=2026-10&by=week')).status).to.equal(400);
  });

  it('answers coverage and usage per area as JSON', async () => {
    const coverage = JSON.parse((await agent.get('/api/coverage?period=2026-10')).body);
    expect(coverage.city).to.deep.equal({ installed: 6, commissioned: 5, active: 5, target: 18 });
    expect(coverage.kelurahan).to.have.length(54);
    expect(coverage.kelurahan.find((k: { code: string }) => k.code === A)).to.deep.equal({ kecamatanCode: SERPONG, kecamatanName: 'Serpong', code: A, name: 'Ciater', installed: 3, commissioned: 2, active: 3, target: 5 });

    const usage = JSON.parse((await agent.get('/api/usage?period=2026-10')).body);
    expect(usage).to.deep.include({ by: 'day', level: 'kelurahan' });
    const oct5 = usage.rows.find((r: { day: string; areaCode: string }) => r.day === '2026-10-05' && r.areaCode === A);
    const octA = expectedFigures(tables, (code) => code === A, { ...OCTOBER, fromDay: '2026-10-05', toDay: '2026-10-06' });
    expect(oct5).to.deep.include({ areaName: 'Ciater', users: octA.users, sessions: octA.sessions, sessionSeconds: octA.sessionSeconds, bytes: octA.bytes, uptimePercent: octA.uptimePercent });
    const monthly = JSON.parse((await agent.get('/api/usage?period=2026&level=city')).body);
    expect(monthly).to.deep.include({ by: 'month', level: 'city' });
    const october = monthly.rows.find((r: { month: string }) => r.month === '2026-10');
    const city = expectedFigures(tables, () => true, OCTOBER);
    expect(october).to.deep.include({ areaCode: null, users: city.users, sessions: city.sessions, bytes: city.bytes, uptimePercent: city.uptimePercent });
    const byKecamatan = JSON.parse((await agent.get('/api/usage?period=2026-10&by=month&level=kecamatan')).body);
    expect(byKecamatan.rows.find((r: { areaCode: string }) => r.areaCode === SERPONG)).to.deep.include({ users: expectedFigures(tables, (code) => code !== null && code.startsWith(`${SERPONG}.`), OCTOBER).users });
  });

  it('lets all three roles read the report and its downloads, and API tokens too', async () => {
    for (const who of ['adi', 'eka', 'rina']) {
      const client = new Agent(dashboard.url);
      await client.signIn(who);
      for (const path of ['/reports?period=2026-10', '/reports/print?period=2026', '/reports/export.csv?period=2026-10', '/reports/export.xlsx?period=2026-10', '/reports/open-data.csv?period=2026-10', '/api/reports?period=2026-10', '/api/coverage', '/api/usage']) {
        expect((await client.get(path)).status, `${who} ${path}`).to.equal(200);
      }
    }
    const admin = new Agent(dashboard.url);
    await admin.signIn('adi');
    await admin.get('/admin/tokens');
    const made = await admin.post('/admin/tokens', { name: 'satu-data-laporan', roles: 'reporter' });
    const token = /id="issued-token">([^<]+)</.exec(made.body)![1];
    const machine = await fetch(`${dashboard.url}/api/reports?period=2026-10`, { headers: { authorization: `Bearer ${token}` } });
    expect(machine.status).to.equal(200);
    expect(((await machine.json()) as { city: { installed: number } }).city.installed).to.equal(6);
    const nobody = await fetch(`${dashboard.url}/api/reports`);
    expect(nobody.status).to.equal(401);
    expect((await fetch(`${dashboard.url}/reports/export.csv`, { redirect: 'manual' })).status).to.equal(303);
  });
});
