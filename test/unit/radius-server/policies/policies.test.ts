import { expect } from 'chai';
import type { AuthorizeFacts } from '../../../../core/db/queries/radius-auth.js';
import { LOGIN_POLICIES, runPolicies, type PolicyContext } from '../../../../radius-server/policies/index.js';

const now = new Date('2026-11-23T10:00:00+07:00');
const plan = {
  id: 1, name: 'warga', rateLimit: '1M/2M', sessionTimeout: 7200, idleTimeout: 300, dailyTime: 3600, dailyBytes: null,
  simultaneousUse: 2, interimInterval: null, rememberDeviceDays: 7,
};

function ctx(overrides: Partial<AuthorizeFacts> = {}, site: PolicyContext['site'] = null): PolicyContext {
  return {
    now,
    timezone: 'Asia/Jakarta',
    mac: 'AA:BB:CC:DD:EE:FF',
    site,
    defaultInterimInterval: 300,
    facts: { kind: 'account', keyKind: 'account', keyId: 1, account: { id: 1, passwordEnc: '', blocked: false }, plan, usage: { live: 0, timeToday: 0, bytesToday: 0 }, ...overrides },
  };
}

describe('login policies', () => {
  it('accept with the least Session-Timeout of every cap, and the router attributes', () => {
    const d = runPolicies(LOGIN_POLICIES, ctx({ usage: { live: 0, timeToday: 1000, bytesToday: 0 } }));
    expect(d.outcome).to.equal('accept');
    if (d.outcome !== 'accept') return;
    expect(d.reply[0]).to.deep.equal(['Session-Timeout', 2600]);
    expect(d.reply).to.deep.include(['Idle-Timeout', 300]);
    expect(d.reply).to.deep.include(['Acct-Interim-Interval', 300]);
    expect(d.reply).to.deep.include(['Vendor-Specific', 14988, [['Mikrotik-Rate-Limit', '1M/2M']]]);
  });

  it('refuse at the first failing check, in order', () => {
    const d = runPolicies(LOGIN_POLICIES, ctx({ account: { id: 1, passwordEnc: '', blocked: true }, usage: { live: 5, timeToday: 9999, bytesToday: 0 } }));
    expect(d).to.include({ outcome: 'reject', reason: 'blocked' });
    expect(runPolicies(LOGIN_POLICIES, ctx({ usage: { live: 2, timeToday: 0, bytesToday: 0 } }))).to.include({ reason: 'simultaneous-use' });
    expect(runPolicies(LOGIN_POLICIES, ctx({ usage: { live: 0, timeToday: 3600, bytesToday: 0 } }))).to.include({ reason: 'daily-time' });
  });

  it('a spent one-time credential is refused before anything else is looked at', () => {
    const d = runPolicies(LOGIN_POLICIES, ctx({
      kind: 'credential',
      credential: { id: 1, secretEnc: '', mac: 'AA:BB:CC:DD:EE:FF', method: 'click', siteId: null, deviceId: null, subscriberId: null, voucherId: null, expiresAt: new Date(now.getTime() + 60_000), usedAt: new Date(now.getTime() - 1000) },
    }));
    expect(d).to.include({ outcome: 'reject', reason: 'credential-used' });
  });

  it('a closed site\'s closure ends at its access_until', () => {
    const site = { id: 1, code: 'S', name: 'S', access: 'closed' as const, accessReason: null, accessUntil: new Date(now.getTime() - 1), openingHours: null, planId: null };
    expect(runPolicies(LOGIN_POLICIES, ctx({}, site)).outcome).to.equal('accept');
    expect(runPolicies(LOGIN_POLICIES, ctx({}, { ...site, accessUntil: new Date(now.getTime() + 1) }))).to.include({ reason: 'site-closed' });
  });
});
