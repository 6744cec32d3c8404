import { CONTINUE, type Policy } from './policy.js';

/** The plan's longest session. */
export const sessionTimeout: Policy = ({ facts }) => {
  const seconds = facts.plan?.sessionTimeout;
  return seconds ? { outcome: 'continue', sessionTimeoutAtMost: seconds } : CONTINUE;
};
