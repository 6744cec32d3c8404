import { CONTINUE, type Policy } from './policy.js';

/** A device that goes quiet is logged out after the plan's idle time. */
export const idleTimeout: Policy = ({ facts }) => {
  const seconds = facts.plan?.idleTimeout;
  return seconds ? { outcome: 'continue', reply: [['Idle-Timeout', seconds]] } : CONTINUE;
};
