import type { Request, Response } from 'express';
import { startOfLocalDay, startOfNextLocalDay } from '../../core/domain/local-time.js';

/** Small helpers the admin pages share: reading form fields, ids in paths, local dates. */

export type T = (key: string, vars?: Record<string, string | number>) => string;

export function tOf(res: Response): T {
  return res.locals.t as T;
}

/** A form field as text ('' when absent or repeated oddly). */
export function field(req: Request, name: string): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** A ticked checkbox (any value). */
export function ticked(req: Request, name: string): boolean {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return value !== undefined && value !== '';
}

/** Every value of a repeated field (checkbox groups). */
export function fieldList(req: Request, name: string): string[] {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

/** A positive integer id from the path, or undefined. */
export function idParam(req: Request): number | undefined {
  const id = Number(req.params.id);
  return Number.isSafeInteger(id) && id > 0 && /^\d+$/.test(String(req.params.id)) ? id : undefined;
}

/** A calendar date YYYY-MM-DD that exists, or undefined. */
export function parseDay(text: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]) ? m[0] : undefined;
}

/** The instant a local day (YYYY-MM-DD) ends in the city's zone: the start of the next one. */
export function endOfLocalDay(day: string, timeZone: string): Date {
  return startOfNextLocalDay(new Date(`${day}T12:00:00Z`), timeZone);
}

/** A local date and time ("2026-12-01T18:30", as <input type="datetime-local"> sends it) as an instant, or undefined. */
export function parseLocalDateTime(text: string, timeZone: string): Date | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})$/.exec(text.trim());
  if (!m || !parseDay(m[1])) return undefined;
  const hours = Number(m[2]);
  const minutes = Number(m[3]);
  if (hours > 23 || minutes > 59) return undefined;
  return new Date(startOfLocalDay(new Date(`${m[1]}T12:00:00Z`), timeZone).getTime() + (hours * 60 + minutes) * 60_000);
}

/** An instant as <input type="datetime-local"> shows it in the city's zone. */
export function toLocalDateTimeInput(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

const CONTROL = /\p{Cc}/u;

/** Text of 1..max characters without control characters, trimmed; undefined when it is not. */
export function boundedText(text: string, max: number): string | undefined {
  const trimmed = text.trim();
  return trimmed !== '' && trimmed.length <= max && !CONTROL.test(trimmed) ? trimmed : undefined;
}

/** The ?done= value when it is one of `known`, as a message key under `area`. */
export function doneMessage(req: Request, res: Response, area: string, known: readonly string[]): string | undefined {
  const done = req.query.done;
  return typeof done === 'string' && known.includes(done) ? tOf(res)(`${area}.done.${done}`) : undefined;
}
