/** A printable A4 sheet of voucher cards: one self-contained HTML file, no external assets, Bahasa Indonesia. */

export interface VoucherSheet {
  planName: string;
  validForSeconds: number;
  lockToFirstMac: boolean;
  codes: string[];
  note?: string;
}

// 3 columns × 8 rows of 62 × 32.5 mm cards, 2 mm apart, fit an A4 page inside 10 mm margins.
const CARDS_PER_PAGE = 24;

const STYLE = `
@page { size: A4; margin: 10mm; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, "Segoe UI", Roboto, Arial, sans-serif; color: #000; }
.info { font-size: 10pt; margin: 0 0 4mm; }
.page { display: grid; grid-template-columns: repeat(3, 62mm); grid-auto-rows: 32.5mm; gap: 2mm; break-after: page; }
.page:last-child { break-after: auto; }
.card { border: 0.3mm dashed #555; padding: 1.5mm 3mm; overflow: hidden; break-inside: avoid; font-size: 6.5pt; line-height: 1.2; }
.title { font-weight: bold; font-size: 7pt; }
.code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 14pt; font-weight: bold; letter-spacing: 0.6mm; }
.plan { margin: 0.5mm 0; }
ol { margin: 0; padding-left: 3.5mm; }
@media print { .info { display: none; } }
`;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** "1 hari", "2 jam 30 menit": how long a voucher lasts, as a citizen reads it. */
export function formatDurationIndonesian(seconds: number): string {
  const units: Array<[string, number]> = [['hari', 86_400], ['jam', 3600], ['menit', 60], ['detik', 1]];
  const parts: string[] = [];
  let rest = seconds;
  for (const [name, size] of units) {
    const amount = Math.floor(rest / size);
    if (amount > 0) parts.push(`${amount} ${name}`);
    rest -= amount * size;
  }
  return parts.join(' ') || '0 detik';
}

function renderCard(code: string, sheet: VoucherSheet): string {
  const validity = `Berlaku ${formatDurationIndonesian(sheet.validForSeconds)} sejak pertama dipakai`;
  const device = sheet.lockToFirstMac ? ', untuk satu perangkat' : '';
  return `<div class="card">
<div class="title">Kode voucher Wi-Fi Publik</div>
<div class="code">${escapeHtml(code)}</div>
<div class="plan">Paket ${escapeHtml(sheet.planName)}. ${validity}${device}.</div>
<ol><li>Sambungkan perangkat ke Wi-Fi.</li><li>Buka halaman login (jika tidak muncul, buka peramban).</li><li>Masukkan kode voucher.</li></ol>
</div>`;
}

export function renderVoucherSheet(sheet: VoucherSheet): string {
  const pages: string[] = [];
  for (let i = 0; i < sheet.codes.length; i += CARDS_PER_PAGE) {
    const cards = sheet.codes.slice(i, i + CARDS_PER_PAGE).map((code) => renderCard(code, sheet));
    pages.push(`<section class="page">\n${cards.join('\n')}\n</section>`);
  }
  const info = [`${sheet.codes.length} voucher`, `paket ${sheet.planName}`, sheet.note].filter(Boolean).join(' · ');
  return `<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<title>Kode voucher Wi-Fi — ${escapeHtml(sheet.planName)}</title>
<style>${STYLE}</style>
</head>
<body>
<p class="info">${escapeHtml(info)}. Cetak di kertas A4, lalu gunting mengikuti garis putus-putus.</p>
${pages.join('\n')}
</body>
</html>
`;
}
