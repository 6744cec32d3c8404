import type { ReplyAttribute } from '../../core/radius/index.js';
import type { RejectReason } from '../reply-messages.js';
import { credentialValid } from './credential-valid.js';
import { dailyBytes } from './daily-bytes.js';
import { dailyTime } from './daily-time.js';
import { idleTimeout } from './idle-timeout.js';
import { interimInterval } from './interim-interval.js';
import { notBlocked } from './not-blocked.js';
import type { Policy, PolicyContext } from './policy.js';
import { rateLimit } from './rate-limit.js';
import { sessionTimeout } from './session-timeout.js';
import { simultaneousUse } from './simultaneous-use.js';
import { withinHours } from './within-hours.js';

export type { Policy, PolicyContext } from './policy.js';

/** The order of checks for a login: is the login good, is the person allowed, is there quota left, then what the router enforces. */
export const LOGIN_POLICIES: Policy[] = [
  credentialValid,
  notBlocked,
  withinHours,
  simultaneousUse,
  dailyTime,
  dailyBytes,
  sessionTimeout,
  rateLimit,
  idleTimeout,
  interimInterval,
];

export type PolicyDecision =
  | { outcome: 'accept'; reply: ReplyAttribute[]; sessionTimeout: number | undefined }
  | { outcome: 'reject'; reason: RejectReason; detail?: string };

/** Runs the policies in order; the first reject wins. Session-Timeout is the least of every cap. */
export function runPolicies(policies: Policy[], ctx: PolicyContext): PolicyDecision {
  const reply: ReplyAttribute[] = [];
  let cap: number | undefined;
  for (const policy of policies) {
    const result = policy(ctx);
    if (result.outcome === 'reject') return result;
    if (result.reply) reply.push(...result.reply);
    if (result.sessionTimeoutAtMost !== undefined) {
      cap = cap === undefined ? result.sessionTimeoutAtMost : Math.min(cap, result.sessionTimeoutAtMost);
    }
  }
  if (cap !== undefined) reply.unshift(['Session-Timeout', Math.max(1, Math.floor(cap))]);
  return { outcome: 'accept', reply, sessionTimeout: cap };
}
