import type { Router } from 'express';
import { addFeedback, MAX_COMMENT_LENGTH } from '../../core/db/queries/feedback.js';
import { kitOf } from '../kit.js';
import { singleText } from '../router-context.js';
import { renderPage, renderProblem } from './shared.js';

/** POST /feedback: a one-tap rating (1–5) of the site, with an optional comment. */
export function registerFeedbackRoutes(router: Router): void {
  router.post('/feedback', async (req, res) => {
    const { deps, sites } = kitOf(req);
    const code = singleText(req.body?.site, 128);
    const site = code ? await sites.find(code) : undefined;
    if (!site) return renderProblem(res, 400, 'problem.noSite');
    const rating = singleText(req.body?.rating, 1);
    if (!rating || !/^[1-5]$/.test(rating)) return renderProblem(res, 400, 'feedback.badRating', { site });
    const comment = singleText(req.body?.comment, MAX_COMMENT_LENGTH);
    if (comment === undefined) return renderProblem(res, 400, 'problem.tooLarge', { site });
    await addFeedback(deps.db, { siteId: site.id, rating: Number(rating), comment: comment.trim() || null, now: deps.clock() });
    const t = res.locals.t as (key: string) => string;
    renderPage(res, 'thanks', { site, heading: t('feedback.thanksTitle'), message: t('feedback.thanks') });
  });
}
