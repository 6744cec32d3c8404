import type { Db } from '../index.js';

export const PROBLEM_KINDS = ['no-internet', 'slow', 'device-broken', 'other'] as const;
export type ProblemKind = (typeof PROBLEM_KINDS)[number];

/** "Report a problem at this site": stored open for the dashboard; no identity is kept with it. */
export async function addProblemReport(db: Db, input: { siteId: number | null; kind: ProblemKind; comment?: string | null; now: Date }): Promise<number> {
  const [row] = await db('problem_reports')
    .insert({ site_id: input.siteId, kind: input.kind, comment: input.comment || null, at: input.now })
    .returning('id');
  return Number(row.id);
}
