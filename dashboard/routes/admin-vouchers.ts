import type { Request, Response } from 'express';
import { createVoucherBatchUntil, findVoucherBatch, listBatchCodes, listVoucherBatches, revokeVoucherBatch } from '../../core/db/queries/admin-catalog.js';
import { findSiteForAdmin } from '../../core/db/queries/admin-sites.js';
import { listPlans } from '../../core/db/queries/plans.js';
import { MAX_VOUCHER_BATCH } from '../../core/db/queries/vouchers.js';
import { localDate } from '../../core/domain/local-time.js';
import { formatDuration, parseDuration, parseWholeNumber } from '../../core/domain/units.js';
import { auditedChange } from '../audit.js';
import { kitOf } from '../kit.js';
import { principalOf } from '../principal.js';
import { renderPage, renderProblem } from '../render.js';
import { boundedText, doneMessage, endOfLocalDay, field, idParam, parseDay, ticked, tOf } from './admin-forms.js';
import type { RouteSpec } from './route-spec.js';

/**
 * Voucher batches: create (the CLI's createVoucherBatch, with an optional last day), list with their
 * use, print as cards, revoke. Codes appear only on the cards page, which only admins open.
 */

const CARDS_PER_PAGE = 32;

interface BatchForm {
  plan: string;
  count: string;
  validFor: string;
  validUntil: string;
  lockMac: boolean;
  note: string;
}

const EMPTY_FORM: BatchForm = { plan: '', count: '100', validFor: '1d', validUntil: '', lockMac: true, note: '' };

async function showBatches(req: Request, res: Response, extra: { errors?: string[]; form?: BatchForm; status?: number } = {}): Promise<void> {
  const { db } = kitOf(req).deps;
  const [batches, plans] = await Promise.all([listVoucherBatches(db), listPlans(db)]);
  renderPage(
    res,
    'admin-vouchers',
    {
      batches: batches.map((b) => ({ ...b, validFor: formatDuration(b.validForSeconds) })),
      plans: plans.map((p) => p.name),
      max: MAX_VOUCHER_BATCH.toLocaleString(res.locals.lang === 'en' ? 'en-GB' : 'id-ID'),
      message: doneMessage(req, res, 'adminVouchers', ['created', 'revoked']),
      errors: extra.errors ?? [],
      form: extra.form ?? EMPTY_FORM,
    },
    extra.status ?? 200,
  );
}

async function createBatch(req: Request, res: Response): Promise<void> {
  const { deps } = kitOf(req);
  const t = tOf(res);
  const form: BatchForm = {
    plan: field(req, 'plan'),
    count: field(req, 'count'),
    validFor: field(req, 'validFor'),
    validUntil: field(req, 'validUntil'),
    lockMac: ticked(req, 'lockMac'),
    note: field(req, 'note'),
  };
  const errors: string[] = [];
  const plans = (await listPlans(deps.db)).map((p) => p.name);
  if (!plans.includes(form.plan)) errors.push(t('adminVouchers.problem.plan'));
  const count = parseWholeNumber(form.count, 1, MAX_VOUCHER_BATCH);
  if (!count.ok) errors.push(t('adminVouchers.problem.count', { max: MAX_VOUCHER_BATCH.toLocaleString(res.locals.lang === 'en' ? 'en-GB' : 'id-ID') }));
  const validFor = parseDuration(form.validFor);
  if (!validFor.ok) errors.push(t('adminVouchers.problem.validFor'));
  let validUntil: Date | undefined;
  if (form.validUntil.trim() !== '') {
    const day = parseDay(form.validUntil);
    validUntil = day ? endOfLocalDay(day, deps.config.timezone) : undefined;
    if (!validUntil || validUntil <= deps.clock()) errors.push(t('adminVouchers.problem.validUntil'));
  }
  const note = form.note.trim() === '' ? undefined : boundedText(form.note, 500);
  if (form.note.trim() !== '' && note === undefined) errors.push(t('adminVouchers.problem.note'));
  if (errors.length || !count.ok || !validFor.ok) return showBatches(req, res, { errors, form, status: 400 });

  const batchId = await auditedChange(req, res, async (tx) => {
    const { batchId: id, codes } = await createVoucherBatchUntil(tx, deps.box, {
      planName: form.plan,
      count: count.value,
      validForSeconds: validFor.value,
      lockToFirstMac: form.lockMac,
      note,
      createdBy: principalOf(res)!.actor,
      validUntil,
    });
    return {
      result: id,
      // never the codes
      audit: {
        action: 'voucher-batch-create',
        target: `batch:${id}`,
        details: { plan: form.plan, count: codes.length, validFor: formatDuration(validFor.value), validUntil: validUntil?.toISOString() ?? null, lockMac: form.lockMac },
      },
    };
  });
  res.redirect(303, `/admin/vouchers?done=created#batch-${batchId}`);
}

async function revokeBatch(req: Request, res: Response): Promise<void> {
  const id = idParam(req);
  const batch = id === undefined ? undefined : await findVoucherBatch(kitOf(req).deps.db, id);
  if (!batch) return renderProblem(res, 404, 'problem.notFound');
  await auditedChange(req, res, async (tx) => {
    const revoked = await revokeVoucherBatch(tx, batch.id);
    return { result: revoked, audit: revoked ? { action: 'voucher-batch-revoke', target: `batch:${batch.id}`, details: { plan: batch.planName, revoked } } : null };
  });
  res.redirect(303, '/admin/vouchers?done=revoked');
}

/** "1 hari 2 jam" / "1 day 2 hours": how long a voucher lasts, as a citizen reads it. */
function readableDuration(seconds: number, t: (key: string, vars?: Record<string, string | number>) => string): string {
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [['day', 86_400], ['hour', 3600], ['minute', 60], ['second', 1]] as const) {
    const amount = Math.floor(rest / size);
    if (amount > 0) parts.push(t(`adminVouchers.cards.${unit}${amount === 1 ? '' : 's'}`, { n: amount }));
    rest -= amount * size;
  }
  return parts.join(' ');
}

/** GET /admin/vouchers/:id/cards[?site=CODE]: A4 pages of 4 × 8 cards, the site's name on each when given. */
async function showCards(req: Request, res: Response): Promise<void> {
  const { deps } = kitOf(req);
  const t = tOf(res);
  const id = idParam(req);
  const batch = id === undefined ? undefined : await findVoucherBatch(deps.db, id);
  if (!batch) return renderProblem(res, 404, 'problem.notFound');
  const siteCode = typeof req.query.site === 'string' ? req.query.site.trim() : '';
  const site = siteCode ? await findSiteForAdmin(deps.db, siteCode) : undefined;
  const codes = (await listBatchCodes(deps.db, deps.box, batch.id)).filter((c) => !c.revoked && !c.used).map((c) => c.code);
  const pages: string[][] = [];
  for (let i = 0; i < codes.length; i += CARDS_PER_PAGE) pages.push(codes.slice(i, i + CARDS_PER_PAGE));
  const validity = batch.validUntil
    ? t('adminVouchers.cards.validUntil', { date: localDate(new Date(batch.validUntil.getTime() - 1000), deps.config.timezone) })
    : t('adminVouchers.cards.validFor', { duration: readableDuration(batch.validForSeconds, t) });
  res.set('Cache-Control', 'no-store');
  renderPage(res, 'admin-voucher-cards', {
    batch,
    pages,
    codeCount: codes.length,
    place: site ? [site.name, site.areaName].filter(Boolean).join(', ') : '',
    siteCode,
    siteUnknown: siteCode !== '' && !site,
    validity,
    stylesheet: 'voucher-cards.css',
  });
}

export function adminVoucherRoutes(): RouteSpec[] {
  return [
    { method: 'get', path: '/admin/vouchers', access: 'administer', handler: (req, res) => showBatches(req, res) },
    { method: 'post', path: '/admin/vouchers', access: 'administer', handler: createBatch },
    { method: 'get', path: '/admin/vouchers/:id/cards', access: 'administer', handler: showCards },
    { method: 'post', path: '/admin/vouchers/:id/revoke', access: 'administer', handler: revokeBatch },
  ];
}
