import { CONTINUE, reject, type Policy } from './policy.js';

/** Time online today (Asia/Jakarta days) stays within the plan; the session may last only what is left. */
export const dailyTime: Policy = ({ facts }) => {
  const limit = facts.plan?.dailyTime;
  if (!limit) return CONTINUE;
  const left = limit - facts.usage.timeToday;
  if (left <= 0) return reject('daily-time');
  return { outcome: 'continue', sessionTimeoutAtMost: left };
};
