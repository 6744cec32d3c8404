import type { AuthorizeFacts } from '../../core/db/queries/radius-auth.js';
import type { ReplyAttribute } from '../../core/radius/index.js';
import type { RadiusClient } from '../client-table.js';
import type { RejectReason } from '../reply-messages.js';

/** Everything a policy may look at; policies never do I/O. */
export interface PolicyContext {
  now: Date;
  timezone: string;
  mac: string | undefined;
  facts: AuthorizeFacts;
  site: RadiusClient['site'];
  defaultInterimInterval: number;
}

export type PolicyOutcome =
  | { outcome: 'continue'; reply?: ReplyAttribute[]; sessionTimeoutAtMost?: number }
  | { outcome: 'reject'; reason: RejectReason; detail?: string };

export type Policy = (ctx: PolicyContext) => PolicyOutcome;

export const CONTINUE: PolicyOutcome = Object.freeze({ outcome: 'continue' });

export function reject(reason: RejectReason, detail?: string): PolicyOutcome {
  return { outcome: 'reject', reason, detail };
}
