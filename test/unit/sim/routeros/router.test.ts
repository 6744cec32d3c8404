import { expect } from 'chai';
import { RELEASES } from '../../../../sim/routeros/catalogue.js';
import type { FaultKind } from '../../../../sim/routeros/faults.js';
import { buildRouterSpec, bytesAfter, isListening, routerStateAt, type RouterSpec, type SpecInput } from '../../../../sim/routeros/router.js';

const START = new Date('2026-02-25T12:00:00Z');

function spec(index: number, fault: FaultKind | null = null, extra: Partial<SpecInput> = {}): RouterSpec {
  return buildRouterSpec({ index, seed: 7, host: '127.0.0.1', port: 40000 + index, fault, faultOrdinal: 0, credentials: { user: 'admin', password: 'pw' }, startedAt: START, ...extra });
}

function later(seconds: number): Date {
  return new Date(START.getTime() + seconds * 1000);
}

describe('sim/routeros router model', () => {
  it('is the same for the same seed and index, and differs between routers', () => {
    expect(spec(3)).to.deep.equal(spec(3));
    expect(spec(3).identity).not.to.equal(spec(4).identity);
    expect(spec(3).identity).to.match(/^cw-[a-z-]+-0004$/);
  });

  it('mixes every release over consecutive routers, with the formats of each', () => {
    const specs = Array.from({ length: RELEASES.length }, (_, i) => spec(i));
    expect(new Set(specs.map((s) => s.version.split(' ')[0]))).to.have.property('size', RELEASES.length);
    for (const s of specs) {
      const [major, minor] = s.version.split('.').map(Number);
      expect(s.formats.emptyReply, s.version).to.equal(major === 7 && minor >= 18);
      expect(s.formats.buildTime, s.version).to.equal(major === 7 && minor >= 16 ? 'iso' : 'old');
      expect(s.formats.dates, s.version).to.equal(major === 6 ? 'old' : 'iso');
      expect(s.formats.health === 'named', s.version).to.equal(major === 6);
      expect(s.version).to.match(major === 6 ? / \(long-term\)$/ : / \(stable\)$/);
    }
  });

  it('advances uptime with the clock and keeps counters growing', () => {
    const s = spec(1);
    const a = routerStateAt(s, START);
    const b = routerStateAt(s, later(600));
    expect(b.uptimeSeconds - a.uptimeSeconds).to.equal(600);
    expect(b.bootCount).to.equal(0);
    const wan = 0;
    if (s.counters.wrapsAt === null) expect(b.interfaces[wan].rxByte > a.interfaces[wan].rxByte).to.equal(true);
  });

  it('keeps the byte curve monotonic and within 1× to 2× of the mean rate', () => {
    let previous = 0;
    for (let t = 0; t <= 7200; t += 10) {
      const bytes = bytesAfter(1000, t, 1.3);
      expect(bytes).to.be.at.least(previous);
      previous = bytes;
    }
    expect(bytesAfter(1000, 3600, 0)).to.equal(1000 * 1.5 * 3600);
    expect(bytesAfter(1000, 0, 2)).to.equal(0);
  });

  it('varies cpu-load within 0..100 and keeps memory under the total', () => {
    const s = spec(2);
    const loads = new Set<number>();
    for (let t = 0; t < 600; t += 10) {
      const state = routerStateAt(s, later(t));
      expect(state.cpuLoad).to.be.within(0, 100);
      expect(state.freeMemory).to.be.below(state.totalMemory);
      loads.add(state.cpuLoad);
    }
    expect(loads.size).to.be.greaterThan(1);
  });

  it('reboots a rebooting router: uptime falls back, counters reset, bootCount counts', () => {
    const s = spec(5, 'rebooting', { tuning: { rebootEverySeconds: 900 } });
    expect(s.timing.rebootEverySeconds).to.equal(900);
    const before = routerStateAt(s, START);
    const firstReboot = new Date(new Date(s.timing.firstBootAt).getTime() + 900_000);
    const justBefore = routerStateAt(s, new Date(firstReboot.getTime() - 1000));
    const justAfter = routerStateAt(s, new Date(firstReboot.getTime() + 30_000));
    expect(before.bootCount).to.equal(0);
    expect(justBefore.uptimeSeconds).to.equal(899);
    expect(justAfter.bootCount).to.equal(1);
    expect(justAfter.uptimeSeconds).to.equal(30);
    expect(justAfter.bootedAt.getTime()).to.equal(firstReboot.getTime());
    expect(justAfter.interfaces[0].rxByte < justBefore.interfaces[0].rxByte).to.equal(true);
    expect(justAfter.activeUsers).to.be.at.most(1);
  });

  it('wraps 32-bit counters and counters started near 2^64', () => {
    const specs = Array.from({ length: 60 }, (_, i) => spec(i));
    const narrow = specs.find((s) => s.counters.bits === 32)!;
    expect(narrow.version).to.match(/^6\./);
    for (let t = 0; t < 86400; t += 3600) expect(routerStateAt(narrow, later(t)).interfaces[0].rxByte < 2n ** 32n).to.equal(true);
    const nearWrap = specs.find((s) => s.counters.wrapsAt !== null)!;
    expect(nearWrap.version).to.match(/^7\./);
    const wrapsAt = new Date(nearWrap.counters.wrapsAt!).getTime();
    const before = routerStateAt(nearWrap, new Date(wrapsAt - 5000)).interfaces[0].rxByte;
    const after = routerStateAt(nearWrap, new Date(wrapsAt + 5000)).interfaces[0].rxByte;
    expect(before > 2n ** 63n).to.equal(true);
    expect(after < before).to.equal(true);
    expect(after < 2n ** 32n).to.equal(true);
  });

  it('opens and closes a flapping router by its windows; a dead one never listens', () => {
    const s = spec(6, 'flapping', { tuning: { flapUpSeconds: 120, flapDownSeconds: 60 } });
    const since = new Date(s.timing.flapping!.since).getTime();
    expect(isListening(s, new Date(since + 10_000))).to.equal(true);
    expect(isListening(s, new Date(since + 130_000))).to.equal(false);
    expect(isListening(s, new Date(since + 190_000))).to.equal(true);
    expect(isListening(spec(7, 'dead'), START)).to.equal(false);
  });

  it('gives wrong-credentials routers another password and busy ones high load', () => {
    expect(spec(8, 'wrong-credentials').credentials.password).not.to.equal('pw');
    expect(spec(8).credentials).to.deep.equal({ user: 'admin', password: 'pw' });
    for (let t = 0; t < 300; t += 10) {
      const busy = routerStateAt(spec(9, 'busy'), later(t));
      expect(busy.cpuLoad).to.be.above(90);
      expect(busy.freeMemory / busy.totalMemory).to.be.below(0.05);
    }
  });

  it('has no wlan interfaces without the wireless package', () => {
    const s = spec(10, 'no-wireless');
    expect(s.formats.wirelessPackage).to.equal(false);
    expect(s.interfaces.some((f) => f.type === 'wlan')).to.equal(false);
  });

  it('follows the hour of day for users: more in the evening than at 3 a.m.', () => {
    const specs = Array.from({ length: 30 }, (_, i) => spec(i));
    const evening = specs.reduce((n, s) => n + routerStateAt(s, new Date('2026-02-25T12:30:00Z')).activeUsers, 0);
    const night = specs.reduce((n, s) => n + routerStateAt(s, new Date('2026-02-25T20:00:00Z')).activeUsers, 0);
    expect(evening).to.be.greaterThan(night * 3);
  });
});
