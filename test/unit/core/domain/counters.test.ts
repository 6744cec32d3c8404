import { expect } from 'chai';
import { counterDelta, rateBetween, rebootedBetween, TWO_32, TWO_64 } from '../../../../core/domain/counters.js';

const T0 = new Date('2026-02-25T12:00:00Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);

describe('core/domain/counters', () => {
  it('counterDelta counts across a 32-bit wrap', () => {
    expect(counterDelta(TWO_32 - 1000n, 500n, 60)).to.equal(1500n);
  });
  it('counterDelta counts across a 64-bit wrap', () => {
    expect(counterDelta(TWO_64 - 10_000n, 2_000n, 60)).to.equal(12_000n);
  });
  it('counterDelta gives undefined for a reset rather than a huge number', () => {
    // A 64-bit counter falling to near zero in one minute is a reset: 2^64 bytes is not traffic.
    expect(counterDelta(5_000_000_000n, 1_000n, 60)).to.equal(undefined);
    expect(counterDelta(100n, 200n, 0)).to.equal(undefined);
  });
  it('rebootedBetween sees uptime going back, and a reboot longer ago than the gap', () => {
    expect(rebootedBetween({ at: at(0), uptimeSeconds: 5000 }, { at: at(60), uptimeSeconds: 30 })).to.equal(true);
    expect(rebootedBetween({ at: at(0), uptimeSeconds: 100 }, { at: at(3600), uptimeSeconds: 600 })).to.equal(true);
    expect(rebootedBetween({ at: at(0), uptimeSeconds: 100 }, { at: at(60), uptimeSeconds: 160 })).to.equal(false);
  });
  it('rateBetween sums interfaces, handles a wrap, and is null first and across a reboot', () => {
    const first = { at: at(0), uptimeSeconds: 1000, counters: new Map([['ether1', TWO_32 - 6000n], ['wlan1', 1000n]]) };
    const second = { at: at(60), uptimeSeconds: 1060, counters: new Map([['ether1', 6000n], ['wlan1', 7000n]]) };
    expect(rateBetween(undefined, first)).to.equal(null);
    expect(rateBetween(first, second)).to.equal((12_000 + 6_000) / 60);
    const rebooted = { at: at(120), uptimeSeconds: 20, counters: new Map([['ether1', 10n], ['wlan1', 10n]]) };
    expect(rateBetween(second, rebooted)).to.equal(null);
    expect(rateBetween(second, { ...second, at: at(30) })).to.equal(null);
  });
});
