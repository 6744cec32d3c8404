import { AppError } from '../../errors.js';
import type { Db } from '../index.js';
import { isUniqueViolation } from './unique.js';

export interface NewSite {
  code: string;
  name: string;
  areaCode?: string;
  category?: string;
  loginMethods?: Array<'click' | 'otp' | 'voucher'>;
  planName?: string;
  /** the router's own host name, accepted in link-login-only besides private IPv4 addresses */
  hotspotHost?: string;
  access?: 'open' | 'closed' | 'restricted';
}

/**
 * Adds a site (tests, the demo; `citywifi sites import` comes with the controller). An unknown plan
 * or area throws AppError('NOT_FOUND'); a code already taken, 'BAD_ARGUMENT'.
 */
export async function addSite(db: Db, input: NewSite): Promise<{ id: number; code: string }> {
  let planId: number | null = null;
  if (input.planName !== undefined) {
    const plan = await db('plans').where({ name: input.planName }).first('id');
    if (!plan) throw new AppError('NOT_FOUND', `no plan named "${input.planName}"`);
    planId = plan.id;
  }
  if (input.areaCode !== undefined) {
    const area = await db('areas').where({ code: input.areaCode }).first('code');
    if (!area) throw new AppError('NOT_FOUND', `no area with code "${input.areaCode}"`);
  }
  try {
    const [row] = await db('sites')
      .insert({
        code: input.code,
        name: input.name,
        area_code: input.areaCode ?? null,
        category: input.category ?? 'other',
        login_methods: input.loginMethods ?? ['click', 'otp', 'voucher'],
        plan_id: planId,
        hotspot_host: input.hotspotHost ?? null,
        access: input.access ?? 'open',
      })
      .returning(['id', 'code']);
    return { id: row.id, code: row.code };
  } catch (error) {
    if (isUniqueViolation(error, 'sites_code_key')) throw new AppError('BAD_ARGUMENT', `a site with code "${input.code}" already exists`);
    throw error;
  }
}
