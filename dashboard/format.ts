import type { Lang } from '../core/web/i18n.js';

/**
 * Figures written as people here read them (1.234 and 99,5 % in Bahasa Indonesia; 1,234 and 99.5% in
 * English), the same on the page and in the JSON its script refreshes from.
 */
export interface Formats {
  count(n: number): string;
  /** a share 0 … 1 as a percentage with one decimal; null as a dash */
  percent(share: number | null): string;
  bytes(n: number): string;
  /** a time of day in the city's zone, "14.00" */
  hour(at: Date): string;
  /** a short date, "25 Nov" */
  day(ymd: string): string;
  /** a calendar date with its year, "2 Mar 2026", as the date part of time() */
  date(ymd: string): string;
  /** a date and time in the city's zone */
  time(at: Date): string;
  /** a length of time in hours and minutes, "2 j 5 m" / "2 h 5 min" */
  duration(seconds: number): string;
}

const cache = new Map<string, Formats>();

export function formatsFor(lang: Lang, timeZone: string): Formats {
  const key = `${lang}|${timeZone}`;
  const known = cache.get(key);
  if (known) return known;
  const locale = lang === 'id' ? 'id-ID' : 'en-GB';
  const count = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1, minimumFractionDigits: 0 });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1, minimumFractionDigits: 1 });
  const hour = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const day = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', day: 'numeric', month: 'short' });
  const date = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', dateStyle: 'medium' });
  const time = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'medium', timeStyle: 'short' });
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  const formats: Formats = {
    count: (n) => count.format(n),
    percent: (share) => (share === null ? '–' : percent.format(share)),
    bytes: (n) => {
      let value = n;
      let unit = 0;
      while (value >= 1000 && unit < units.length - 1) {
        value /= 1000;
        unit++;
      }
      return `${unit === 0 ? count.format(value) : decimal.format(value)} ${units[unit]}`;
    },
    hour: (at) => hour.format(at),
    day: (ymd) => day.format(new Date(`${ymd}T00:00:00Z`)),
    date: (ymd) => date.format(new Date(`${ymd}T00:00:00Z`)),
    time: (at) => time.format(at),
    duration: (seconds) => {
      const h = Math.floor(seconds / 3600);
      const m = Math.floor((seconds % 3600) / 60);
      const [hu, mu] = lang === 'id' ? ['j', 'm'] : ['h', 'min'];
      return h > 0 ? `${h} ${hu} ${m} ${mu}` : `${m} ${mu}`;
    },
  };
  cache.set(key, formats);
  return formats;
}

/** A local day (YYYY-MM-DD) moved by whole days. */
export function addDays(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
