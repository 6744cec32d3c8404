import type { Response } from 'express';

export type Vars = Record<string, string | number>;

/** Renders a view with the request's locals (lang, t, csrfToken, principal, …) and `data`; never cached. */
export function renderPage(res: Response, view: string, data: Record<string, unknown> = {}, status = 200): void {
  res.set('Cache-Control', 'no-store');
  res.status(status).render(view, data);
}

/** The 4xx (or 5xx) page in the user's language: a heading and one clear message, never a stack trace. */
export function renderProblem(res: Response, status: number, messageKey: string, vars?: Vars): void {
  const t = res.locals.t as (key: string, vars?: Vars) => string;
  renderPage(res, 'problem', { heading: t('problem.title'), message: t(messageKey, vars) }, status);
}

/** A JSON error for /api: a stable code and a plain message in English (machines read the code). */
export function sendApiError(res: Response, status: number, error: string, message: string): void {
  res.set('Cache-Control', 'no-store');
  res.status(status).json({ error, message });
}
