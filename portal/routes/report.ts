import type { Request, Response, Router } from 'express';
import type { PortalSite } from '../../core/db/queries/portal-sites.js';
import { addProblemReport, PROBLEM_KINDS, type ProblemKind } from '../../core/db/queries/problem-reports.js';
import { MAX_COMMENT_LENGTH } from '../../core/db/queries/feedback.js';
import { kitOf } from '../kit.js';
import { singleText } from '../router-context.js';
import { readRouterContext, renderPage, renderProblem } from './shared.js';

/** The site a report is about: ?site=CODE (or identity, or a signed ctx). */
async function findReportSite(req: Request, source: Record<string, unknown>): Promise<PortalSite | undefined> {
  const { sites } = kitOf(req);
  if (source.ctx !== undefined) {
    const ctx = readRouterContext(req, source.ctx);
    return ctx ? sites.find(ctx.identity) : undefined;
  }
  const code = singleText(source.site ?? source.identity, 128);
  return code ? sites.find(code) : undefined;
}

function isProblemKind(value: unknown): value is ProblemKind {
  return typeof value === 'string' && (PROBLEM_KINDS as readonly string[]).includes(value);
}

/** GET /report and POST /report: "report a problem at this site", stored for the dashboard. */
export function registerReportRoutes(router: Router): void {
  router.get('/report', async (req: Request, res: Response) => {
    const site = await findReportSite(req, req.query as Record<string, unknown>);
    if (!site) return renderProblem(res, 400, 'problem.noSite');
    renderPage(res, 'report', { site, kinds: PROBLEM_KINDS });
  });

  router.post('/report', async (req: Request, res: Response) => {
    const { deps } = kitOf(req);
    const site = await findReportSite(req, (req.body ?? {}) as Record<string, unknown>);
    if (!site) return renderProblem(res, 400, 'problem.noSite');
    const t = res.locals.t as (key: string) => string;
    const kind: unknown = req.body?.kind;
    if (!isProblemKind(kind)) return renderPage(res, 'report', { site, kinds: PROBLEM_KINDS, message: t('report.badKind') }, 400);
    const comment = singleText(req.body?.comment, MAX_COMMENT_LENGTH);
    if (comment === undefined) return renderProblem(res, 400, 'problem.tooLarge', { site });
    await addProblemReport(deps.db, { siteId: site.id, kind, comment: comment.trim() || null, now: deps.clock() });
    deps.logger.info({ event: 'problem-report', kind, site: site.code }, 'problem reported');
    renderPage(res, 'thanks', { site, heading: t('report.thanksTitle'), message: t('report.thanks') });
  });
}
