import { CONTINUE, reject, type Policy } from './policy.js';

/** No more live sessions on other devices than the plan allows (the same device reconnecting does not count). */
export const simultaneousUse: Policy = ({ facts }) => {
  const limit = facts.plan?.simultaneousUse;
  if (!limit) return CONTINUE;
  return facts.usage.live >= limit ? reject('simultaneous-use') : CONTINUE;
};
