import { CONTINUE, type Policy } from './policy.js';

/** The plan's speed, as a MikroTik dynamic queue (rx = citizen's upload, tx = download). */
export const rateLimit: Policy = ({ facts }) => {
  const rate = facts.plan?.rateLimit;
  return rate ? { outcome: 'continue', reply: [['Vendor-Specific', 14988, [['Mikrotik-Rate-Limit', rate]]]] } : CONTINUE;
};
