/**
 * The open-data form of the report, in the style of Satu Data Indonesia (Perpres 39/2019): one row per
 * kelurahan keyed by the Kemendagri codes, snake_case column names in Bahasa Indonesia, figures as
 * plain numbers (a dot for decimals, no thousands separator), and a metadata record beside it.
 * README.md ("Reports") lists the columns.
 */
import type { AreaFigures, CityReport } from './report-figures.js';
import type { ReportPeriod } from './report-period.js';

export const OPEN_DATA_PRODUCER = 'Diskominfo Kota Tangerang Selatan';
export const OPEN_DATA_LICENSE = 'Creative Commons Attribution 4.0 International (CC BY 4.0)';

export interface OpenDataColumn {
  name: string;
  description: string;
  unit: string;
  value: (f: AreaFigures, period: ReportPeriod) => string | number | null;
  text?: boolean;
}

export const OPEN_DATA_COLUMNS: OpenDataColumn[] = [
  { name: 'kode_kabupaten_kota', description: 'Kode wilayah kabupaten/kota menurut Kemendagri', unit: 'kode', value: (f) => (f.parentCode ?? '').slice(0, 5) },
  { name: 'kode_kecamatan', description: 'Kode wilayah kecamatan menurut Kemendagri', unit: 'kode', value: (f) => f.parentCode },
  { name: 'nama_kecamatan', description: 'Nama kecamatan', unit: 'teks', value: (f) => f.parentName, text: true },
  { name: 'kode_kelurahan', description: 'Kode wilayah kelurahan menurut Kemendagri', unit: 'kode', value: (f) => f.code },
  { name: 'nama_kelurahan', description: 'Nama kelurahan', unit: 'teks', value: (f) => f.name, text: true },
  { name: 'tahun', description: 'Tahun periode data', unit: 'tahun', value: (_f, p) => p.year },
  { name: 'bulan', description: 'Bulan periode data (1–12); kosong untuk data tahunan', unit: 'bulan', value: (_f, p) => p.month },
  { name: 'jumlah_titik_terpasang', description: 'Titik Wi-Fi publik yang terpasang pada akhir periode (belum dibongkar)', unit: 'titik', value: (f) => f.installed },
  { name: 'jumlah_titik_beroperasi', description: 'Titik yang sudah diserahterimakan dan beroperasi pada akhir periode', unit: 'titik', value: (f) => f.commissioned },
  { name: 'jumlah_titik_aktif', description: 'Titik beroperasi yang menyala atau melayani pengguna pada sebagian waktu dalam periode', unit: 'titik', value: (f) => f.active },
  { name: 'target_titik', description: 'Target jumlah titik untuk tahun tersebut; kosong bila tidak ditetapkan', unit: 'titik', value: (f) => f.target },
  { name: 'persentase_uptime', description: 'Waktu menyala (normal atau terganggu) dibagi waktu terpantau, di luar pemeliharaan terjadwal', unit: 'persen', value: (f) => f.uptimePercent },
  { name: 'jumlah_jam_pemeliharaan', description: 'Jam-titik dalam pemeliharaan terjadwal (tidak dihitung dalam uptime)', unit: 'jam', value: (f) => f.maintenanceHours },
  { name: 'jumlah_kunjungan_pengguna', description: 'Jumlah pengguna berbeda per titik per hari, dijumlahkan selama periode', unit: 'orang-hari', value: (f) => f.users },
  { name: 'jumlah_sesi', description: 'Sesi internet yang dimulai dalam periode', unit: 'sesi', value: (f) => f.sessions },
  { name: 'jumlah_jam_penggunaan', description: 'Lama pengguna tersambung', unit: 'jam', value: (f) => f.hours },
  { name: 'jumlah_data_gb', description: 'Data yang diunduh dan diunggah pengguna (1 GB = 1.000.000.000 bita)', unit: 'GB', value: (f) => f.gigabytes },
  { name: 'rata_rata_kepuasan', description: 'Rata-rata penilaian warga (skala 1–5); kosong bila tidak ada penilaian', unit: 'skala 1-5', value: (f) => f.averageRating },
  { name: 'persentase_puas', description: 'Bagian penilaian bernilai 4 atau 5', unit: 'persen', value: (f) => f.satisfiedPercent },
  { name: 'jumlah_penilaian', description: 'Penilaian yang diberikan warga dalam periode', unit: 'penilaian', value: (f) => f.ratings },
  { name: 'jumlah_laporan_masalah', description: 'Laporan masalah dari warga dalam periode', unit: 'laporan', value: (f) => f.problemReports },
];

/** The rows: every kelurahan of the report, by code. */
export function openDataRows(report: CityReport, period: ReportPeriod): Array<Array<string | number | null>> {
  return report.kecamatan
    .flatMap((k) => k.kelurahan)
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((f) => OPEN_DATA_COLUMNS.map((c) => c.value(f, period)));
}

const MONTHS_ID = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'];

/** "November 2026" or "Tahun 2026". */
export function periodNameId(period: ReportPeriod): string {
  return period.month === null ? `Tahun ${period.year}` : `${MONTHS_ID[period.month - 1]} ${period.year}`;
}

export interface OpenDataMetadata {
  judul: string;
  deskripsi: string;
  satuan: string;
  produsen_data: string;
  periode: string;
  frekuensi: string;
  cakupan_wilayah: string;
  tanggal_pembaruan: string;
  lisensi: string;
  kolom: Array<{ nama: string; deskripsi: string; satuan: string }>;
}

/** The dataset's metadata; `updatedOn` is the local date the file was made (YYYY-MM-DD). */
export function openDataMetadata(period: ReportPeriod, updatedOn: string): OpenDataMetadata {
  return {
    judul: `Layanan Wi-Fi Publik per Kelurahan, ${periodNameId(period)}`,
    deskripsi:
      'Jumlah titik Wi-Fi publik (terpasang, beroperasi, aktif, dan target), persentase uptime di luar pemeliharaan terjadwal, ' +
      'penggunaan (kunjungan pengguna, sesi, jam, dan data), kepuasan warga, dan laporan masalah, per kelurahan menurut kode Kemendagri.',
    satuan: 'titik, persen, orang-hari, sesi, jam, GB, skala 1-5, laporan (lihat kolom)',
    produsen_data: OPEN_DATA_PRODUCER,
    periode: period.text,
    frekuensi: period.kind === 'month' ? 'bulanan' : 'tahunan',
    cakupan_wilayah: 'kelurahan',
    tanggal_pembaruan: updatedOn,
    lisensi: OPEN_DATA_LICENSE,
    kolom: OPEN_DATA_COLUMNS.map((c) => ({ nama: c.name, deskripsi: c.description, satuan: c.unit })),
  };
}

/** The metadata as rows of a two-column CSV (atribut, nilai); each column as kolom:<name>. */
export function openDataMetadataRows(meta: OpenDataMetadata): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(meta)) if (key !== 'kolom') rows.push([key, String(value)]);
  for (const c of meta.kolom) rows.push([`kolom:${c.nama}`, `${c.deskripsi} (satuan: ${c.satuan})`]);
  return rows;
}
