import type { PlanInput } from '../../domain/plan-form.js';
import { AppError } from '../../errors.js';
import type { Db } from '../index.js';
import { isUniqueViolation } from './unique.js';

/** What a citizen or account gets: limits in seconds and bytes, null = no limit (or the server default). */
export interface PlanRecord {
  id: number;
  name: string;
  rateLimit: string | null;
  sessionTimeout: number | null;
  idleTimeout: number | null;
  dailyTime: number | null;
  dailyBytes: number | null;
  simultaneousUse: number | null;
  interimInterval: number | null;
  rememberDeviceDays: number;
}

/** A plan to write: the limits as a form or `plans add` reads them (core/domain/plan-form.ts). */
export interface NewPlan extends PlanInput {
  rememberDeviceDays?: number;
}

interface PlanRow {
  id: number;
  name: string;
  rate_limit: string | null;
  session_timeout: number | null;
  idle_timeout: number | null;
  daily_time: number | null;
  daily_bytes: number | null;
  simultaneous_use: number | null;
  interim_interval: number | null;
  remember_device_days: number;
}

const COLUMNS = [
  'id', 'name', 'rate_limit', 'session_timeout', 'idle_timeout', 'daily_time', 'daily_bytes', 'simultaneous_use',
  'interim_interval', 'remember_device_days',
];

function toRecord(row: PlanRow): PlanRecord {
  return {
    id: row.id,
    name: row.name,
    rateLimit: row.rate_limit,
    sessionTimeout: row.session_timeout,
    idleTimeout: row.idle_timeout,
    dailyTime: row.daily_time,
    dailyBytes: row.daily_bytes,
    simultaneousUse: row.simultaneous_use,
    interimInterval: row.interim_interval,
    rememberDeviceDays: row.remember_device_days,
  };
}

/** The plans columns a plan's name and limits are written to (an unset limit is null: no limit). */
export function planColumns(input: PlanInput) {
  return {
    name: input.name,
    rate_limit: input.rateLimit ?? null,
    session_timeout: input.sessionTimeout ?? null,
    idle_timeout: input.idleTimeout ?? null,
    daily_time: input.dailyTime ?? null,
    daily_bytes: input.dailyBytes ?? null,
    simultaneous_use: input.simultaneousUse ?? null,
    interim_interval: input.interimInterval ?? null,
  };
}

/** A name already taken becomes AppError('BAD_ARGUMENT') saying so; any other error passes through. */
export function rethrowPlanNameTaken(error: unknown, name: string): never {
  if (isUniqueViolation(error, 'plans_name_key')) {
    throw new AppError('BAD_ARGUMENT', `a plan named "${name}" already exists`, { cause: error });
  }
  throw error;
}

/** Defines a plan; a name already taken throws AppError('BAD_ARGUMENT'). Values are checked by the caller. */
export async function addPlan(db: Db, input: NewPlan): Promise<PlanRecord> {
  try {
    const [row] = await db('plans')
      .insert({
        ...planColumns(input),
        // Left out, the column's default applies.
        remember_device_days: input.rememberDeviceDays,
      })
      .returning(COLUMNS);
    return toRecord(row);
  } catch (error) {
    rethrowPlanNameTaken(error, input.name);
  }
}

export async function listPlans(db: Db): Promise<PlanRecord[]> {
  const rows: PlanRow[] = await db('plans').select(COLUMNS).orderBy('name');
  return rows.map(toRecord);
}

export async function findPlanByName(db: Db, name: string): Promise<PlanRecord | undefined> {
  const row: PlanRow | undefined = await db('plans').where({ name }).first(COLUMNS);
  return row && toRecord(row);
}
