import { expect } from 'chai';
import {
  bindAlertIds,
  decideAlerts,
  DEFAULT_ALERT_RULES,
  emptyAlertState,
  formatDuration,
  localClock,
  readAlertState,
  type AlertDraft,
  type AlertRules,
  type AlertState,
  type ChangeFact,
  type HandledChange,
  type SiteFacts,
} from '../../../../core/domain/alert-rules.js';
import type { SiteState } from '../../../../core/domain/site-state.js';

const SERPONG = { code: '36.74.01', name: 'Serpong' };
const CIATER = { code: '36.74.01.1001', name: 'Ciater' };
const RAWABUNTU = { code: '36.74.01.1002', name: 'Rawabuntu' };
const CIPUTAT = { code: '36.74.04', name: 'Ciputat' };
const SAWAH = { code: '36.74.04.1004', name: 'Sawah' };

let nextSiteId = 1;
function site(code: string, kelurahan: { code: string; name: string } | null, kecamatan: { code: string; name: string } | null): SiteFacts {
  return { siteId: nextSiteId++, code, name: `Taman ${code}`, kelurahan, kecamatan };
}

/**
 * The dispatcher around the rules, in memory: changes as the controller writes them, a run every
 * 10 seconds of the clock, each change handled once, alerts with ids.
 */
class Fleet {
  now = new Date('2026-11-23T08:00:00+07:00');
  changes: ChangeFact[] = [];
  handled = new Map<number, HandledChange>();
  state: AlertState = emptyAlertState();
  alerts: Array<AlertDraft & { id: number }> = [];
  private states = new Map<number, { state: SiteState; since: Date }>();
  private nextChangeId = 1;
  private nextAlertId = 1;

  constructor(readonly rules: AlertRules = DEFAULT_ALERT_RULES) {}

  change(s: SiteFacts, to: SiteState, reason = to === 'down' ? 'refused: connect ECONNREFUSED (2 failed polls in a row)' : 'answered'): ChangeFact {
    const was = this.states.get(s.siteId) ?? { state: 'up' as SiteState, since: new Date(this.now.getTime() - 86_400_000) };
    const c: ChangeFact = { id: this.nextChangeId++, at: new Date(this.now), from: was.state, to, reason, site: s, fromSince: was.since };
    this.states.set(s.siteId, { state: to, since: new Date(this.now) });
    this.changes.push(c);
    return c;
  }

  run(): void {
    const unhandled = this.changes.filter((c) => !this.handled.has(c.id));
    const recentDowns = this.changes.filter((c) => c.to === 'down').map((c) => ({ id: c.id, siteId: c.site.siteId, at: c.at }));
    const decision = decideAlerts({ now: new Date(this.now), changes: unhandled, recentDowns, state: this.state, rules: this.rules });
    const ids = decision.alerts.map(() => this.nextAlertId++);
    const bound = bindAlertIds(decision, ids);
    // every change looked at is handled or deferred, never both, never neither
    const handledNow = new Set(bound.handled.map((h) => h.changeId));
    for (const c of unhandled) expect(handledNow.has(c.id) !== bound.deferred.includes(c.id), `change ${c.id} handled xor deferred`).to.equal(true);
    for (const h of bound.handled) {
      const before = this.handled.get(h.changeId);
      if (before && before.alert && h.alert) expect.fail(`change ${h.changeId} alerted twice`);
      this.handled.set(h.changeId, h);
    }
    this.alerts.push(...bound.alerts);
    this.state = bound.state;
  }

  /** Moves the clock, running the rules every 10 seconds on the way. */
  advance(seconds: number): void {
    for (let s = 0; s < seconds; s += 10) {
      this.now = new Date(this.now.getTime() + Math.min(10, seconds - s) * 1000);
      this.run();
    }
  }

  kinds(): string[] {
    return this.alerts.map((a) => a.kind);
  }
}

describe('core/domain/alert-rules', () => {
  it('reports a lone outage once, a gather delay after the change, and its recovery once', () => {
    const fleet = new Fleet();
    const s = site('TS-001', CIATER, SERPONG);
    fleet.change(s, 'down');
    fleet.advance(50);
    expect(fleet.alerts).to.have.length(0); // still gathering: a power cut would be one alert
    fleet.advance(20);
    expect(fleet.kinds()).to.deep.equal(['outage']);
    const outage = fleet.alerts[0];
    expect(outage.body.site).to.deep.equal({ code: 'TS-001', name: 'Taman TS-001', kelurahan: CIATER, kecamatan: SERPONG });
    expect(outage.body).to.include({ state: 'down', since: '2026-11-23T01:00:00.000Z', reason: 'refused: connect ECONNREFUSED (2 failed polls in a row)' });
    expect(outage.body.message_id).to.equal(
      'Gangguan: titik WiFi Taman TS-001 (TS-001), Kel. Ciater, Kec. Serpong tidak dapat dihubungi sejak pukul 08.00 WIB. ' +
        'Penyebab: refused: connect ECONNREFUSED (2 failed polls in a row).',
    );
    expect(outage.body.message_en).to.match(/^Outage: WiFi site Taman TS-001 \(TS-001\), Ciater, Serpong has been unreachable since 08\.00 WIB/);
    fleet.advance(600);
    expect(fleet.alerts).to.have.length(1);

    fleet.change(s, 'up', 'answered after 12 failed polls');
    fleet.advance(10);
    expect(fleet.kinds()).to.deep.equal(['outage', 'recovery']);
    const recovery = fleet.alerts[1];
    expect(recovery.body).to.include({ state: 'up', down_since: '2026-11-23T01:00:00.000Z' });
    expect(recovery.body.message_id).to.equal('Pulih: titik WiFi Taman TS-001 (TS-001), Kel. Ciater, Kec. Serpong kembali normal pukul 08.11 WIB setelah gangguan 11 menit.');
    expect(recovery.changeIds).to.deep.equal([fleet.changes[1].id]);
    fleet.advance(600);
    expect(fleet.alerts).to.have.length(2);
  });

  it('counts only a way out of down into up or degraded as a recovery', () => {
    const fleet = new Fleet();
    const [a, b, c] = [site('A-1', null, null), site('B-1', null, null), site('C-1', null, null)];
    fleet.change(a, 'down');
    fleet.change(b, 'down');
    fleet.change(c, 'down');
    fleet.advance(70);
    expect(fleet.kinds()).to.deep.equal(['outage', 'outage', 'outage']);
    fleet.change(a, 'maintenance', 'maintenance: new mast');
    fleet.change(b, 'unknown', 'maintenance over');
    fleet.change(c, 'degraded', 'cpu 97% >= 90% for 3 polls after 4 failed polls');
    fleet.advance(70);
    expect(fleet.kinds()).to.deep.equal(['outage', 'outage', 'outage', 'recovery']);
    expect(fleet.alerts[3].body).to.include({ state: 'degraded' });
    expect(fleet.alerts[3].body.message_en).to.match(/^Partly recovered: WiFi site Taman C-1 \(C-1\) is reachable again at 08\.01 WIB after 1 min down, but degraded \(cpu 97%/);
    // changes that are neither: not news
    fleet.change(a, 'up', 'maintenance over; answered');
    fleet.change(b, 'up', 'first answer');
    fleet.change(c, 'up', 'healthy again');
    fleet.change(c, 'degraded', 'memory 97% >= 95% for 3 polls');
    fleet.advance(120);
    expect(fleet.alerts).to.have.length(4);
    expect([...fleet.handled.values()].filter((h) => h.outcome === 'ignored')).to.have.length(6);
  });

  it('covers each change by one alert at most, through outages, flapping, area outages and recoveries', () => {
    const fleet = new Fleet();
    const area = Array.from({ length: 7 }, (_, i) => site(`CT-${i + 1}`, CIATER, SERPONG));
    const lone = site('SW-1', SAWAH, CIPUTAT);
    for (let round = 0; round < 6; round++) {
      for (const s of area) fleet.change(s, 'down');
      fleet.change(lone, 'down');
      fleet.advance(150);
      for (const s of area) fleet.change(s, 'up');
      fleet.change(lone, 'up');
      fleet.advance(150);
    }
    fleet.advance(3600);
    const covered = fleet.alerts.flatMap((a) => a.changeIds);
    expect(new Set(covered).size).to.equal(covered.length);
    // every change was looked at; each alerted one points at the alert that lists it
    expect(fleet.handled.size).to.equal(fleet.changes.length);
    for (const h of fleet.handled.values()) {
      if (h.outcome !== 'alerted') continue;
      const alert = fleet.alerts.find((a) => h.alert && 'id' in h.alert && a.id === h.alert.id);
      expect(alert?.changeIds, `change ${h.changeId}`).to.include(h.changeId);
    }
    // the kelurahan flapped as a whole (unstable power): two rounds of area alerts, then one flapping
    // alert for the area, quiet while it goes on, and one alert when it has been stable for 30 minutes
    expect(fleet.kinds()).to.deep.equal([
      'area-outage', 'outage', 'recovery', 'area-recovery',
      'area-outage', 'outage', 'recovery', 'area-recovery',
      'flapping', 'flapping',
      'area-recovery', 'recovery',
    ]);
    const [areaFlap, siteFlap] = [fleet.alerts[8], fleet.alerts[9]];
    expect(areaFlap.areaCode).to.equal(CIATER.code);
    expect(areaFlap.body).to.deep.include({ area: { ...CIATER, level: 'kelurahan' }, count: 7 });
    expect(areaFlap.body.message_id).to.match(/^Putus-sambung wilayah: 7 titik WiFi di Kelurahan Ciater, Kec\. Serpong sudah 3 kali terputus dalam 30 menit/);
    expect(siteFlap.body.site?.code).to.equal('SW-1');
    expect(fleet.alerts[10].body).to.deep.include({ count: 7, still_down: 0, state: 'up' });
    expect(fleet.alerts[10].body.message_en).to.match(/^Stable again: 7 WiFi sites in Kelurahan Ciater, Serpong stopped flapping/);
  });

  it('reports a flapping site once, keeps quiet while it flaps, and reports it once stable', () => {
    const fleet = new Fleet();
    const s = site('TS-003', RAWABUNTU, SERPONG);
    // down and back every 4 minutes for an hour
    for (let i = 0; i < 15; i++) {
      fleet.change(s, 'down');
      fleet.advance(120);
      fleet.change(s, 'up');
      fleet.advance(120);
    }
    expect(fleet.kinds()).to.deep.equal(['outage', 'recovery', 'outage', 'recovery', 'flapping']);
    const flapping = fleet.alerts[4];
    expect(flapping.body.reason).to.match(/^down 3 times within 30 minutes; last: refused/);
    expect(flapping.body.message_id).to.match(/sudah 3 kali terputus dalam 30 menit\. Pemberitahuan untuk titik ini ditahan sampai stabil selama 30 menit\.$/);
    // stable (up) from now on: quiet for 30 minutes, then one report of where it is
    fleet.advance(27 * 60);
    expect(fleet.alerts).to.have.length(5);
    fleet.advance(90);
    expect(fleet.kinds()).to.deep.equal(['outage', 'recovery', 'outage', 'recovery', 'flapping', 'recovery']);
    const stable = fleet.alerts[5];
    expect(stable.body).to.include({ state: 'up' });
    expect(stable.body.message_en).to.match(/^Stable again: WiFi site Taman TS-003 .* stopped flapping and has been up since/);
    expect(stable.changeIds).to.deep.equal([fleet.changes[fleet.changes.length - 1].id]);
    // and it is an ordinary site again: a new outage is reported as one
    fleet.change(s, 'down');
    fleet.advance(70);
    expect(fleet.kinds().slice(-1)).to.deep.equal(['outage']);
  });

  it('reports a flapping site that stops while down as still down', () => {
    const fleet = new Fleet();
    const s = site('TS-004', RAWABUNTU, SERPONG);
    for (let i = 0; i < 3; i++) {
      fleet.change(s, 'down');
      fleet.advance(120);
      fleet.change(s, 'up');
      fleet.advance(120);
    }
    fleet.change(s, 'down');
    fleet.advance(35 * 60);
    expect(fleet.kinds()).to.deep.equal(['outage', 'recovery', 'outage', 'recovery', 'flapping', 'outage']);
    expect(fleet.alerts[5].body.message_en).to.match(/^Still down: .* stopped flapping and has been unreachable since/);
  });

  it('makes 8 sites of one kelurahan going down within 2 minutes one area alert, and their recovery one more', () => {
    const fleet = new Fleet();
    const sites = Array.from({ length: 8 }, (_, i) => site(`CT-${i + 1}`, CIATER, SERPONG));
    for (const s of sites) {
      fleet.change(s, 'down');
      fleet.advance(15);
    }
    fleet.advance(300);
    expect(fleet.kinds()).to.deep.equal(['area-outage']);
    const area = fleet.alerts[0];
    expect(area.areaCode).to.equal(CIATER.code);
    expect(area.body).to.deep.include({ area: { ...CIATER, level: 'kelurahan' }, count: 8, state: 'down', since: '2026-11-23T01:00:00.000Z' });
    expect(area.body.sites).to.deep.equal(sites.map((s) => s.code));
    expect(area.changeIds).to.have.length(8);
    expect(area.body.message_id).to.match(/^Gangguan wilayah: 8 titik WiFi di Kelurahan Ciater, Kec\. Serpong tidak dapat dihubungi sejak pukul 08\.00 WIB, kemungkinan listrik padam\./);

    for (const s of sites) {
      fleet.change(s, 'up');
      fleet.advance(10);
    }
    fleet.advance(300);
    expect(fleet.kinds()).to.deep.equal(['area-outage', 'area-recovery']);
    expect(fleet.alerts[1].body).to.deep.include({ area: { ...CIATER, level: 'kelurahan' }, count: 8, still_down: 0, state: 'up' });
    expect(fleet.state.groups).to.have.length(0);
  });

  it('makes outages across kelurahan of one kecamatan one kecamatan alert', () => {
    const fleet = new Fleet();
    const sites = [...Array.from({ length: 3 }, (_, i) => site(`CT-${i}`, CIATER, SERPONG)), ...Array.from({ length: 3 }, (_, i) => site(`RB-${i}`, RAWABUNTU, SERPONG))];
    for (const s of sites) fleet.change(s, 'down');
    fleet.advance(120);
    expect(fleet.kinds()).to.deep.equal(['area-outage']);
    expect(fleet.alerts[0].body).to.deep.include({ area: { ...SERPONG, level: 'kecamatan' }, count: 6 });
    expect(fleet.alerts[0].body.message_en).to.match(/^Area outage: 6 WiFi sites in Kecamatan Serpong \(2 kelurahan\) unreachable since 08\.00 WIB/);
  });

  it('reports a few outages one by one, and never groups sites of different kecamatan', () => {
    const fleet = new Fleet();
    const sites = [site('CT-1', CIATER, SERPONG), site('CT-2', CIATER, SERPONG), site('SW-1', SAWAH, CIPUTAT), site('SW-2', SAWAH, CIPUTAT), site('SW-3', SAWAH, CIPUTAT)];
    for (const s of sites) fleet.change(s, 'down');
    fleet.advance(120);
    expect(fleet.kinds()).to.deep.equal(['outage', 'outage', 'outage', 'outage', 'outage']);
  });

  it('lets a later outage join the open area outage silently, and reports its recovery with the area', () => {
    const fleet = new Fleet();
    const sites = Array.from({ length: 6 }, (_, i) => site(`CT-${i + 1}`, CIATER, SERPONG));
    for (const s of sites.slice(0, 5)) fleet.change(s, 'down');
    fleet.advance(90);
    expect(fleet.kinds()).to.deep.equal(['area-outage']);
    fleet.change(sites[5], 'down');
    fleet.advance(120);
    expect(fleet.kinds()).to.deep.equal(['area-outage']);
    expect(fleet.handled.get(fleet.changes[5].id)).to.deep.equal({ changeId: 6, outcome: 'joined', alert: { id: fleet.alerts[0].id } });
    for (const s of sites.slice(0, 3)) fleet.change(s, 'up');
    fleet.advance(90);
    expect(fleet.alerts[1].body).to.deep.include({ kind: 'area-recovery', count: 3, still_down: 3 });
    for (const s of sites.slice(3)) fleet.change(s, 'up');
    fleet.advance(90);
    expect(fleet.kinds()).to.deep.equal(['area-outage', 'area-recovery', 'area-recovery']);
    expect(fleet.alerts[2].body).to.deep.include({ count: 3, still_down: 0, sites: ['CT-4', 'CT-5', 'CT-6'] });
    expect(fleet.alerts[2].body.message_id).to.match(/; semua titik di wilayah ini sudah pulih\./);
  });

  it('takes a site already reported alone into the area outage that follows it', () => {
    const fleet = new Fleet();
    const sites = Array.from({ length: 6 }, (_, i) => site(`CT-${i + 1}`, CIATER, SERPONG));
    fleet.change(sites[0], 'down');
    fleet.advance(70);
    expect(fleet.kinds()).to.deep.equal(['outage']);
    for (const s of sites.slice(1)) fleet.change(s, 'down');
    fleet.advance(70);
    expect(fleet.kinds()).to.deep.equal(['outage', 'area-outage']);
    expect(fleet.alerts[1].body).to.deep.include({ count: 6 });
    expect(fleet.alerts[1].changeIds).to.have.length(5); // the first change stays covered by its own alert
    for (const s of sites) fleet.change(s, 'up');
    fleet.advance(70);
    expect(fleet.kinds()).to.deep.equal(['outage', 'area-outage', 'area-recovery']);
    expect(fleet.alerts[2].body).to.deep.include({ count: 6, still_down: 0 });
  });

  it('does not alert on changes seen more than an hour late', () => {
    const fleet = new Fleet();
    const s = site('TS-005', CIATER, SERPONG);
    fleet.change(s, 'down');
    fleet.now = new Date(fleet.now.getTime() + 2 * 3600_000);
    fleet.run();
    expect(fleet.alerts).to.have.length(0);
    expect(fleet.handled.get(1)?.outcome).to.equal('stale');
  });

  it('formats local times and durations as people read them', () => {
    expect(localClock(new Date('2026-11-23T01:05:00Z'), 'Asia/Jakarta')).to.equal('08.05 WIB');
    expect(localClock(new Date('2026-11-23T01:05:00Z'), 'Asia/Makassar')).to.equal('09.05 WITA');
    expect(formatDuration(65 * 60_000, 'id')).to.equal('1 jam 5 menit');
    expect(formatDuration(120 * 60_000, 'en')).to.equal('2 h');
    expect(formatDuration(10_000, 'id')).to.equal('1 menit');
  });

  it('reads back a stored state, and starts afresh from anything unreadable', () => {
    expect(readAlertState(null)).to.deep.equal(emptyAlertState());
    expect(readAlertState({ flapping: 'x', groups: [1, { members: {} }], recentOutages: [] })).to.deep.equal(emptyAlertState());
    const fleet = new Fleet();
    for (let i = 0; i < 5; i++) fleet.change(site(`CT-${i}`, CIATER, SERPONG), 'down');
    fleet.advance(90);
    expect(readAlertState(JSON.parse(JSON.stringify(fleet.state)))).to.deep.equal(fleet.state);
    expect(fleet.state.groups[0].alert).to.deep.equal({ id: fleet.alerts[0].id });
  });
});
