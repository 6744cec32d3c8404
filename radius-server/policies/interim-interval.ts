import type { Policy } from './policy.js';

/** Always sent: without it a MikroTik router sends no Interim-Updates at all (PROTOCOLS.md trap 11). */
export const interimInterval: Policy = ({ facts, defaultInterimInterval }) => ({
  outcome: 'continue',
  reply: [['Acct-Interim-Interval', facts.plan?.interimInterval ?? defaultInterimInterval]],
});
