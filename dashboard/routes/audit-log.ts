import type { Request, Response } from 'express';
import { listAudit } from '../../core/db/queries/audit.js';
import { kitOf } from '../kit.js';
import { renderPage } from '../render.js';
import type { RouteSpec } from './route-spec.js';

const PAGE_SIZE = 50;

/** GET /admin/audit: the audit log, newest first, 50 a page (?before=ID for older), ?actor= to filter. */
async function showAuditLog(req: Request, res: Response): Promise<void> {
  const { deps } = kitOf(req);
  const before = typeof req.query.before === 'string' && /^\d{1,18}$/.test(req.query.before) ? Number(req.query.before) : undefined;
  const actor = typeof req.query.actor === 'string' && req.query.actor.trim() !== '' ? req.query.actor.trim().slice(0, 200) : undefined;
  const page = await listAudit(deps.db, { limit: PAGE_SIZE, beforeId: before, actor });
  const olderHref =
    page.nextBeforeId === undefined ? undefined : `/admin/audit?${new URLSearchParams({ before: String(page.nextBeforeId), ...(actor ? { actor } : {}) }).toString()}`;
  renderPage(res, 'audit', { entries: page.entries, actor: actor ?? '', olderHref });
}

export function auditLogRoutes(): RouteSpec[] {
  return [{ method: 'get', path: '/admin/audit', access: 'administer', handler: showAuditLog }];
}
