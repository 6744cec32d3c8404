import type { Request, Response } from 'express';
import { withTransaction, type Tx } from '../core/db/index.js';
import { recordAudit } from '../core/db/queries/audit.js';
import { kitOf } from './kit.js';
import { principalOf } from './principal.js';

export interface AuditFacts {
  action: string;
  target?: string | null;
  details?: Record<string, unknown> | null;
}

/**
 * Every change made through the dashboard goes through here: the change and its audit entry (who,
 * what, to what, when) are written in one transaction, so there is never a change without its entry
 * nor an entry without its change. `work` returns its result and the facts to record, or null facts
 * when it turned out to change nothing.
 */
export async function auditedChange<T>(req: Request, res: Response, work: (tx: Tx) => Promise<{ result: T; audit: AuditFacts | null }>): Promise<T> {
  const { deps } = kitOf(req);
  const principal = principalOf(res);
  if (!principal) throw new Error('auditedChange needs a signed-in principal');
  return withTransaction(deps.db, async (tx) => {
    const { result, audit } = await work(tx);
    if (audit) await recordAudit(tx, { actor: principal.actor, ...audit, at: deps.clock() });
    return result;
  });
}
