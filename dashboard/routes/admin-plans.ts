import type { Request, Response } from 'express';
import { findPlanById, updatePlan } from '../../core/db/queries/admin-catalog.js';
import { addPlan, listPlans, type PlanRecord } from '../../core/db/queries/plans.js';
import { PLAN_FIELDS, readPlanForm, type PlanField } from '../../core/domain/plan-form.js';
import { formatByteSize, formatDuration } from '../../core/domain/units.js';
import { AppError } from '../../core/errors.js';
import { auditedChange } from '../audit.js';
import { kitOf } from '../kit.js';
import { renderPage, renderProblem } from '../render.js';
import { doneMessage, field, idParam, tOf } from './admin-forms.js';
import type { RouteSpec } from './route-spec.js';

/**
 * Plans: list, add, edit, with `citywifi plans add`'s rules (core/domain/plan-form.ts) and each
 * problem said in the user's language. RADIUS reads a plan on every login, so a change applies to
 * the next login.
 */

type PlanForm = Record<PlanField, string>;

/** A plan in the units an operator types (2h, 500M), as the form shows and reads them. */
function toForm(plan: PlanRecord): PlanForm {
  const show = <V>(value: V | null, format: (v: V) => string) => (value === null ? '' : format(value));
  return {
    name: plan.name,
    rateLimit: plan.rateLimit ?? '',
    sessionTimeout: show(plan.sessionTimeout, formatDuration),
    idleTimeout: show(plan.idleTimeout, formatDuration),
    dailyTime: show(plan.dailyTime, formatDuration),
    dailyBytes: show(plan.dailyBytes, formatByteSize),
    simultaneousUse: show(plan.simultaneousUse, String),
    interimInterval: show(plan.interimInterval, formatDuration),
  };
}

const EMPTY_FORM = Object.fromEntries(PLAN_FIELDS.map((f) => [f, ''])) as PlanForm;

function formFrom(req: Request): PlanForm {
  return Object.fromEntries(PLAN_FIELDS.map((f) => [f, field(req, f)])) as PlanForm;
}

async function showPlans(req: Request, res: Response, extra: { errors?: string[]; form?: PlanForm; status?: number } = {}): Promise<void> {
  const plans = await listPlans(kitOf(req).deps.db);
  renderPage(
    res,
    'admin-plans',
    { plans: plans.map((p) => ({ id: p.id, ...toForm(p) })), message: doneMessage(req, res, 'adminPlans', ['added', 'saved']), errors: extra.errors ?? [], form: extra.form ?? EMPTY_FORM },
    extra.status ?? 200,
  );
}

function showPlan(res: Response, id: number, form: PlanForm, errors: string[] = [], status = 200): void {
  renderPage(res, 'admin-plan', { id, form, errors }, status);
}

/** The form read by the CLI's rules: the plan, or the problems in the user's language. */
function readForm(req: Request, res: Response): { ok: true; value: ReturnType<typeof readPlanForm> & { ok: true } } | { ok: false; errors: string[] } {
  const t = tOf(res);
  const read = readPlanForm(formFrom(req));
  if (!read.ok) return { ok: false, errors: read.problems.map((p) => t(`adminPlans.problem.${p.field}`)) };
  return { ok: true, value: read };
}

async function addPlanFromForm(req: Request, res: Response): Promise<void> {
  const form = formFrom(req);
  const read = readForm(req, res);
  if (!read.ok) return showPlans(req, res, { errors: read.errors, form, status: 400 });
  const plan = read.value.value;
  try {
    await auditedChange(req, res, async (tx) => {
      const added = await addPlan(tx, plan);
      return { result: added, audit: { action: 'plan-add', target: added.name, details: { ...toForm(added) } } };
    });
  } catch (error) {
    if (error instanceof AppError && error.code === 'BAD_ARGUMENT') return showPlans(req, res, { errors: [tOf(res)('adminPlans.taken', { name: plan.name })], form, status: 400 });
    throw error;
  }
  res.redirect(303, '/admin/plans?done=added');
}

async function editPlan(req: Request, res: Response): Promise<void> {
  const id = idParam(req);
  const plan = id === undefined ? undefined : await findPlanById(kitOf(req).deps.db, id);
  if (!plan) return renderProblem(res, 404, 'problem.notFound');
  showPlan(res, plan.id, toForm(plan));
}

async function savePlan(req: Request, res: Response): Promise<void> {
  const id = idParam(req);
  const before = id === undefined ? undefined : await findPlanById(kitOf(req).deps.db, id);
  if (!before) return renderProblem(res, 404, 'problem.notFound');
  const form = formFrom(req);
  const read = readForm(req, res);
  if (!read.ok) return showPlan(res, before.id, form, read.errors, 400);
  const plan = read.value.value;
  try {
    await auditedChange(req, res, async (tx) => {
      const after = (await updatePlan(tx, before.id, plan))!;
      const was = toForm(before);
      const now = toForm(after);
      const changed = Object.fromEntries(PLAN_FIELDS.filter((f) => was[f] !== now[f]).map((f) => [f, { from: was[f], to: now[f] }]));
      return { result: after, audit: Object.keys(changed).length ? { action: 'plan-edit', target: after.name, details: changed } : null };
    });
  } catch (error) {
    if (error instanceof AppError && error.code === 'BAD_ARGUMENT') return showPlan(res, before.id, form, [tOf(res)('adminPlans.taken', { name: plan.name })], 400);
    throw error;
  }
  res.redirect(303, '/admin/plans?done=saved');
}

export function adminPlanRoutes(): RouteSpec[] {
  return [
    { method: 'get', path: '/admin/plans', access: 'administer', handler: (req, res) => showPlans(req, res) },
    { method: 'post', path: '/admin/plans', access: 'administer', handler: addPlanFromForm },
    { method: 'get', path: '/admin/plans/:id', access: 'administer', handler: editPlan },
    { method: 'post', path: '/admin/plans/:id', access: 'administer', handler: savePlan },
  ];
}
