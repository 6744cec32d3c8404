import type { Request, Response } from 'express';
import { findSiteForAdmin, listKelurahan, searchSitesForAdmin, updateSiteAdmin, type SiteAdminChange, type SiteAdminRecord } from '../../core/db/queries/admin-sites.js';
import { disableHeartbeat } from '../../core/db/queries/site-heartbeats.js';
import { listPlans } from '../../core/db/queries/plans.js';
import { auditedChange } from '../audit.js';
import { kitOf } from '../kit.js';
import { renderPage, renderProblem } from '../render.js';
import { boundedText, doneMessage, field, fieldList, parseDay, parseLocalDateTime, ticked, toLocalDateTimeInput, tOf } from './admin-forms.js';
import type { RouteSpec } from './route-spec.js';

/**
 * One site's settings, for admins and engineers (site management): name, category, kelurahan, login
 * methods, access, plan, router address and credentials (the password write-only), monitoring, and
 * the installed / commissioned / decommissioned dates. RADIUS and the portal see a change within
 * seconds (sites.updated_at moves their reload marker); the controller at its next sweep.
 */

const LOGIN_METHODS = ['click', 'otp', 'voucher'] as const;
const ACCESS = ['open', 'closed', 'restricted'] as const;
const HOST_PATTERN = /^[A-Za-z0-9.-]+$|^[0-9A-Fa-f:]+$/;
const CATEGORY_PATTERN = /^[a-z0-9][a-z0-9 _-]*$/;

interface SiteForm {
  name: string;
  category: string;
  kelurahan: string;
  loginMethods: string[];
  access: string;
  accessReason: string;
  accessUntil: string;
  plan: string;
  routerHost: string;
  routerPort: string;
  routerTls: boolean;
  routerUser: string;
  monitoring: string;
  installedOn: string;
  commissionedOn: string;
  decommissionedOn: string;
}

function toForm(site: SiteAdminRecord, timeZone: string): SiteForm {
  return {
    name: site.name,
    category: site.category,
    kelurahan: site.areaCode ?? '',
    loginMethods: site.loginMethods,
    access: site.access,
    accessReason: site.accessReason ?? '',
    accessUntil: site.accessUntil ? toLocalDateTimeInput(site.accessUntil, timeZone) : '',
    plan: site.planName ?? '',
    routerHost: site.routerHost ?? '',
    routerPort: site.routerPort === null ? '' : String(site.routerPort),
    routerTls: site.routerTls,
    routerUser: site.routerUser ?? '',
    monitoring: site.monitoring,
    installedOn: site.installedOn ?? '',
    commissionedOn: site.commissionedOn ?? '',
    decommissionedOn: site.decommissionedOn ?? '',
  };
}

function formFrom(req: Request): SiteForm {
  return {
    name: field(req, 'name'),
    category: field(req, 'category'),
    kelurahan: field(req, 'kelurahan'),
    loginMethods: fieldList(req, 'loginMethods'),
    access: field(req, 'access'),
    accessReason: field(req, 'accessReason'),
    accessUntil: field(req, 'accessUntil'),
    plan: field(req, 'plan'),
    routerHost: field(req, 'routerHost'),
    routerPort: field(req, 'routerPort'),
    routerTls: ticked(req, 'routerTls'),
    routerUser: field(req, 'routerUser'),
    monitoring: field(req, 'monitoring'),
    installedOn: field(req, 'installedOn'),
    commissionedOn: field(req, 'commissionedOn'),
    decommissionedOn: field(req, 'decommissionedOn'),
  };
}

async function showSearch(req: Request, res: Response): Promise<void> {
  const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 100) : '';
  const sites = await searchSitesForAdmin(kitOf(req).deps.db, q);
  renderPage(res, 'admin-sites', { q, sites });
}

async function showSite(req: Request, res: Response, site: SiteAdminRecord, form: SiteForm, errors: string[] = [], status = 200): Promise<void> {
  const { db } = kitOf(req).deps;
  const [kelurahan, plans] = await Promise.all([listKelurahan(db), listPlans(db)]);
  renderPage(
    res,
    'admin-site',
    {
      site,
      form,
      errors,
      kelurahan,
      plans: plans.map((p) => p.name),
      loginMethods: LOGIN_METHODS,
      accessChoices: ACCESS,
      message: doneMessage(req, res, 'adminSites', ['saved']),
    },
    status,
  );
}

async function editSite(req: Request, res: Response): Promise<void> {
  const { deps } = kitOf(req);
  const site = await findSiteForAdmin(deps.db, String(req.params.code));
  if (!site) return renderProblem(res, 404, 'problem.notFound');
  await showSite(req, res, site, toForm(site, deps.config.timezone));
}

/** Reads the form against the site's current values; every problem in the user's language, or the change. */
async function readChange(req: Request, res: Response, site: SiteAdminRecord, form: SiteForm): Promise<{ errors: string[]; change?: SiteAdminChange; toApi: boolean }> {
  const { deps } = kitOf(req);
  const t = tOf(res);
  const errors: string[] = [];
  const bad = (key: string, vars?: Record<string, string | number>) => errors.push(t(`adminSites.problem.${key}`, vars));

  const name = boundedText(form.name, 120);
  if (!name) bad('name');
  const category = form.category.trim().toLowerCase() || 'other';
  if (category.length > 40 || !CATEGORY_PATTERN.test(category)) bad('category');
  const kelurahan = (await listKelurahan(deps.db)).find((k) => k.code === form.kelurahan);
  if (!kelurahan) bad('kelurahan');
  const methods = LOGIN_METHODS.filter((m) => form.loginMethods.includes(m));
  if (methods.length === 0 || methods.length !== new Set(form.loginMethods).size) bad('loginMethods');
  const access = ACCESS.find((a) => a === form.access);
  if (!access) bad('access');
  let accessReason: string | null = null;
  let accessUntil: Date | null = null;
  if (access && access !== 'open') {
    accessReason = boundedText(form.accessReason, 300) ?? null;
    if (!accessReason) bad('accessReason');
    if (form.accessUntil.trim() !== '') {
      accessUntil = parseLocalDateTime(form.accessUntil, deps.config.timezone) ?? null;
      if (!accessUntil || accessUntil <= deps.clock()) bad('accessUntil');
    }
  }
  let planId: number | null = null;
  if (form.plan !== '') {
    const plan = (await listPlans(deps.db)).find((p) => p.name === form.plan);
    if (!plan) bad('plan');
    else planId = plan.id;
  }
  const host = form.routerHost.trim();
  if (host !== '' && (host.length > 253 || !HOST_PATTERN.test(host))) bad('routerHost');
  let routerPort: number | null = null;
  if (form.routerPort.trim() !== '') {
    routerPort = /^\d{1,5}$/.test(form.routerPort.trim()) ? Number(form.routerPort.trim()) : NaN;
    if (!(routerPort >= 1 && routerPort <= 65535)) bad('routerPort');
  }
  const user = form.routerUser.trim();
  if (user.length > 64 || /\p{Cc}/u.test(user)) bad('routerUser');
  // The password is write-only: blank keeps the stored one, the box clears it.
  const password = field(req, 'routerPassword');
  if (password.length > 128 || /\p{Cc}/u.test(password)) bad('routerPassword');
  const clearPassword = ticked(req, 'clearRouterPassword');
  let toApi = false;
  if (form.monitoring === 'api') toApi = site.monitoring === 'heartbeat';
  else if (form.monitoring !== 'heartbeat' || site.monitoring !== 'heartbeat') bad('monitoring', { code: site.code });
  const days: Record<'installedOn' | 'commissionedOn' | 'decommissionedOn', string | null> = { installedOn: null, commissionedOn: null, decommissionedOn: null };
  for (const key of ['installedOn', 'commissionedOn', 'decommissionedOn'] as const) {
    if (form[key].trim() === '') continue;
    const day = parseDay(form[key]);
    if (!day) bad(key);
    else days[key] = day;
  }
  if (days.installedOn && days.commissionedOn && days.commissionedOn < days.installedOn) bad('commissionedBeforeInstalled');
  if (days.commissionedOn && days.decommissionedOn && days.decommissionedOn < days.commissionedOn) bad('decommissionedBeforeCommissioned');
  if (days.decommissionedOn && !days.commissionedOn) bad('decommissionedNotCommissioned');
  if (errors.length || !name || !kelurahan || !access) return { errors, toApi };
  return {
    errors,
    toApi,
    change: {
      name,
      category,
      areaCode: kelurahan.code,
      loginMethods: methods,
      access,
      accessReason,
      accessUntil,
      planId,
      routerHost: host === '' ? null : host,
      routerPort,
      routerTls: form.routerTls,
      routerUser: user === '' ? null : user,
      routerPasswordEnc: clearPassword ? null : password !== '' ? deps.box.encrypt(password) : undefined,
      installedOn: days.installedOn,
      commissionedOn: days.commissionedOn,
      decommissionedOn: days.decommissionedOn,
    },
  };
}

/** The fields that differ, for the audit log: values only where they are not secret. */
function describeChange(before: SiteForm, after: SiteForm, passwordChange: 'set' | 'cleared' | undefined): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const key of Object.keys(before) as Array<keyof SiteForm>) {
    const was = JSON.stringify(before[key]);
    const now = JSON.stringify(after[key]);
    if (was !== now) changed[key] = { from: before[key], to: after[key] };
  }
  if (passwordChange) changed.routerPassword = passwordChange;
  return changed;
}

async function saveSite(req: Request, res: Response): Promise<void> {
  const { deps } = kitOf(req);
  const code = String(req.params.code);
  const site = await findSiteForAdmin(deps.db, code);
  if (!site) return renderProblem(res, 404, 'problem.notFound');
  const form = formFrom(req);
  const { errors, change, toApi } = await readChange(req, res, site, form);
  if (!change) return showSite(req, res, site, form, errors, 400);
  await auditedChange(req, res, async (tx) => {
    await updateSiteAdmin(tx, code, change, deps.clock());
    if (toApi) await disableHeartbeat(tx, code);
    const after = (await findSiteForAdmin(tx, code))!;
    const passwordChange = change.routerPasswordEnc === null ? (site.hasRouterPassword ? 'cleared' : undefined) : change.routerPasswordEnc ? 'set' : undefined;
    const details = describeChange(toForm(site, deps.config.timezone), toForm(after, deps.config.timezone), passwordChange);
    return { result: after, audit: Object.keys(details).length ? { action: 'site-edit', target: code, details } : null };
  });
  res.redirect(303, `/admin/sites/${encodeURIComponent(code)}?done=saved`);
}

export function adminSiteRoutes(): RouteSpec[] {
  return [
    { method: 'get', path: '/admin/sites', access: 'manage-sites', handler: showSearch },
    { method: 'get', path: '/admin/sites/:code', access: 'manage-sites', handler: editSite },
    { method: 'post', path: '/admin/sites/:code', access: 'manage-sites', handler: saveSite },
  ];
}
