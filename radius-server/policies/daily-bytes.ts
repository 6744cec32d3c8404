import { splitGigawords } from '../../core/radius/index.js';
import { CONTINUE, reject, type Policy } from './policy.js';

/** Data used today stays within the plan; the router cuts the session when the rest is used (Mikrotik-Total-Limit). */
export const dailyBytes: Policy = ({ facts }) => {
  const limit = facts.plan?.dailyBytes;
  if (!limit) return CONTINUE;
  const left = limit - facts.usage.bytesToday;
  if (left <= 0) return reject('daily-bytes');
  const { low, gigawords } = splitGigawords(left);
  const vsas: Array<[string, number]> = [['Mikrotik-Total-Limit', low]];
  if (gigawords > 0) vsas.push(['Mikrotik-Total-Limit-Gigawords', gigawords]);
  return { outcome: 'continue', reply: [['Vendor-Specific', 14988, vsas]] };
};
