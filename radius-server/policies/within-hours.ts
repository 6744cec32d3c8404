import { describeToday, openingState } from '../../core/domain/opening-hours.js';
import { CONTINUE, reject, type Policy } from './policy.js';

/**
 * The site is open: not closed by an operator, not restricted to staff (named accounts), and inside
 * its opening hours. A session never runs past closing time.
 */
export const withinHours: Policy = ({ site, now, timezone, facts }) => {
  if (!site) return CONTINUE;
  const restrictionActive = !site.accessUntil || site.accessUntil > now;
  if (site.access === 'closed' && restrictionActive) return reject('site-closed', site.accessReason ?? undefined);
  if (site.access === 'restricted' && restrictionActive && facts.kind !== 'account') {
    return reject('site-closed', site.accessReason ?? undefined);
  }
  const state = openingState(site.openingHours, now, timezone);
  if (!state.open) return reject('outside-hours', `Jam layanan hari ini: ${describeToday(site.openingHours, now, timezone)}.`);
  return state.secondsUntilClose === undefined ? CONTINUE : { outcome: 'continue', sessionTimeoutAtMost: state.secondsUntilClose };
};
