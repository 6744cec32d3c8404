/**
 * What a router's heartbeat says (the JSON the script of controller/heartbeat-script.ts posts),
 * checked with zod before anything is stored. Keys are RouterOS's own names; numbers may come as
 * JSON numbers or as digit strings; uptime is a RouterOS time as a script prints it
 * (`2w1d04:09:36`, `3d03:42:53`, `00:05:12`) or a duration (`1w2d3h4m5s`).
 */
import { z } from 'zod';
import { parseDuration } from '../core/domain/routeros-values.js';
import type { RouterVitals } from './router-vitals.js';

/** The values of one heartbeat, as stored in site_status.last_heartbeat. */
export interface HeartbeatValues extends RouterVitals {
  identity: string;
}

/** Seconds in a RouterOS time as a script prints it, weeks included; undefined if it is not one. */
export function parseRouterUptime(text: string): number | undefined {
  const value = text.trim();
  const weeks = /^(\d+)w(\d.*)$/.exec(value);
  if (weeks && weeks[2].includes(':')) {
    const rest = parseDuration(weeks[2]);
    return rest === undefined ? undefined : Number(weeks[1]) * 604_800 + rest;
  }
  return parseDuration(value);
}

const whole = (max: number) =>
  z.union([z.number(), z.string().trim().regex(/^\d+$/, 'expected a whole number').transform(Number)]).pipe(z.number().int().min(0).max(max));

const text = (max: number) => z.string().max(max).regex(/^[^\p{Cc}]*$/u, 'no control characters');

const schema = z.object({
  identity: text(255),
  uptime: z.unknown().transform((value, ctx) => {
    const seconds = typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : typeof value === 'string' && value.length <= 40 ? parseRouterUptime(value) : undefined;
    if (seconds === undefined) {
      ctx.addIssue({ code: 'custom', message: typeof value === 'string' ? `"${value.slice(0, 40)}" is not a RouterOS time` : 'expected a RouterOS time such as 1w2d03:04:05' });
      return z.NEVER;
    }
    return seconds;
  }),
  'cpu-load': whole(100),
  'free-memory': whole(Number.MAX_SAFE_INTEGER),
  'total-memory': whole(Number.MAX_SAFE_INTEGER),
  version: text(80),
  'board-name': text(80),
  'active-users': whole(1_000_000),
});

export type ParsedHeartbeat = { ok: true; values: HeartbeatValues } | { ok: false; reason: string };

/** Checks a heartbeat's JSON text: the values, or one line saying what is wrong (never echoing the body). */
export function parseHeartbeatBody(body: string): ParsedHeartbeat {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'the body is not JSON' };
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length ? issue.path.join('.') : 'body';
    return { ok: false, reason: `${where}: ${issue.message}` };
  }
  const v = result.data;
  if (v['free-memory'] > v['total-memory']) return { ok: false, reason: 'free-memory: more than total-memory' };
  return {
    ok: true,
    values: {
      identity: v.identity,
      uptimeSeconds: Math.floor(v.uptime),
      cpuLoad: v['cpu-load'],
      freeMemory: v['free-memory'],
      totalMemory: v['total-memory'],
      version: v.version.trim(),
      board: v['board-name'],
      activeUsers: v['active-users'],
    },
  };
}
