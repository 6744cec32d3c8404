import type { Db } from '../index.js';

export const MAX_COMMENT_LENGTH = 1000;

/** A citizen's rating (1–5) of a site, with an optional comment; no identity is kept with it. */
export async function addFeedback(db: Db, input: { siteId: number | null; rating: number; comment?: string | null; now: Date }): Promise<number> {
  const [row] = await db('feedback')
    .insert({ site_id: input.siteId, rating: input.rating, comment: input.comment || null, at: input.now })
    .returning('id');
  return Number(row.id);
}
