import { expect } from 'chai';
import { fixedClock } from '../../../../core/domain/clock.js';
import {
  applyPoll,
  createSiteStateMachine,
  initialMemory,
  uptimeFigures,
  type PollOutcome,
  type RebootEvent,
  type SiteMemory,
  type StateChange,
} from '../../../../core/domain/site-state.js';

const THRESHOLDS = { downAfterFailures: 2, degradedCpuPercent: 90, degradedMemoryPercent: 95, degradedAfterPolls: 3 };
const GiB = 1024 ** 3;

describe('site state machine', () => {
  const clock = fixedClock('2026-11-23T08:00:00+07:00');
  const machine = createSiteStateMachine(THRESHOLDS, clock);

  function ok(overrides: Partial<{ uptimeSeconds: number; cpuLoad: number; freeMemory: number; totalMemory: number }> = {}): PollOutcome {
    return { ok: true, at: clock(), uptimeSeconds: 1000, cpuLoad: 10, freeMemory: GiB / 2, totalMemory: GiB, ...overrides };
  }
  function failed(failure = 'connect-timeout', message = 'no answer in 5000 ms'): PollOutcome {
    return { ok: false, at: clock(), failure, message };
  }
  /** Applies polls one interval apart and returns the final memory and every change. */
  function run(polls: Array<(i: number) => PollOutcome>, start: SiteMemory = machine.initial(), maintenance: (i: number) => string | null = () => null) {
    let memory = start;
    const changes: StateChange[] = [];
    const reboots: RebootEvent[] = [];
    polls.forEach((poll, i) => {
      clock.advance(60);
      const step = machine.applyPoll(memory, poll(i), maintenance(i));
      memory = step.memory;
      if (step.change) changes.push(step.change);
      if (step.reboot) reboots.push(step.reboot);
    });
    return { memory, changes, reboots };
  }

  it('is unknown before the first poll and up after the first answer', () => {
    expect(machine.initial().state).to.equal('unknown');
    const { memory, changes } = run([() => ok()]);
    expect(memory.state).to.equal('up');
    expect(changes).to.have.length(1);
    expect(changes[0]).to.include({ from: 'unknown', to: 'up', reason: 'first answer', alert: false });
    expect(changes[0].at.getTime()).to.equal(clock().getTime());
  });

  it('is not down after one lost poll, and down after two, with the failure as the reason and an alert', () => {
    const { memory: afterOne, changes: one } = run([() => ok(), () => failed()]);
    expect(afterOne.state).to.equal('up');
    expect(one).to.have.length(1);
    const { memory, changes } = run([() => failed('refused', 'connection refused')], afterOne);
    expect(memory.state).to.equal('down');
    expect(changes[0]).to.include({ from: 'up', to: 'down', alert: true });
    expect(changes[0].reason).to.match(/^refused: connection refused \(2 failed polls in a row\)$/);
  });

  it('honours another downAfterFailures', () => {
    let memory = initialMemory(clock());
    for (let i = 0; i < 2; i++) memory = applyPoll(memory, failed(), { ...THRESHOLDS, downAfterFailures: 3 }).memory;
    expect(memory.state).to.equal('unknown');
    memory = applyPoll(memory, failed(), { ...THRESHOLDS, downAfterFailures: 3 }).memory;
    expect(memory.state).to.equal('down');
  });

  it('recovers from down to up with an alert saying how long it was out', () => {
    const { memory, changes } = run([() => ok(), () => failed(), () => failed(), () => failed(), () => ok()]);
    expect(memory.state).to.equal('up');
    const last = changes[changes.length - 1];
    expect(last).to.include({ from: 'down', to: 'up', reason: 'answered after 3 failed polls', alert: true });
  });

  it('is degraded only after degradedAfterPolls unhealthy polls in a row, and up again when healthy', () => {
    const busy = () => ok({ cpuLoad: 95 });
    const { memory: twoBusy } = run([() => ok(), busy, busy]);
    expect(twoBusy.state).to.equal('up');
    const { memory, changes } = run([busy], twoBusy);
    expect(memory.state).to.equal('degraded');
    expect(changes[0]).to.include({ from: 'up', to: 'degraded', reason: 'cpu 95% >= 90% for 3 polls', alert: false });
    const healed = run([() => ok()], memory);
    expect(healed.memory.state).to.equal('up');
    expect(healed.changes[0]).to.include({ from: 'degraded', to: 'up', reason: 'healthy again' });
  });

  it('counts memory at the threshold as unhealthy, and a healthy poll between restarts the count', () => {
    const full = () => ok({ freeMemory: GiB * 0.05, totalMemory: GiB });
    const { memory, changes } = run([full, full, () => ok(), full, full]);
    expect(memory.state).to.equal('up');
    const more = run([full], memory);
    expect(more.memory.state).to.equal('degraded');
    expect(more.changes[0].reason).to.equal('memory 95% >= 95% for 3 polls');
    expect(changes.map((c) => c.to)).to.deep.equal(['up']);
  });

  it('records a reboot when uptime goes backwards, without changing the state', () => {
    const { memory, changes, reboots } = run([() => ok({ uptimeSeconds: 5000 }), () => ok({ uptimeSeconds: 30 })]);
    expect(memory.state).to.equal('up');
    expect(changes).to.have.length(1);
    expect(reboots).to.have.length(1);
    expect(reboots[0]).to.include({ previousUptimeSeconds: 5000, uptimeSeconds: 30 });
    expect(reboots[0].bootedAt.getTime()).to.equal(clock().getTime() - 30_000);
  });

  it('records a reboot seen after an outage (uptime below the last answered poll)', () => {
    const { reboots, memory } = run([() => ok({ uptimeSeconds: 5000 }), () => failed(), () => failed(), () => ok({ uptimeSeconds: 20 })]);
    expect(memory.state).to.equal('up');
    expect(reboots).to.have.length(1);
  });

  it('is maintenance inside a window, with no alert going down or coming back, whatever the polls say', () => {
    const window = (i: number) => (i >= 1 && i <= 3 ? 'replacing the router' : null);
    const { memory, changes } = run([() => ok(), () => failed(), () => failed(), () => failed(), () => ok()], undefined, window);
    expect(memory.state).to.equal('up');
    expect(changes.map((c) => [c.from, c.to])).to.deep.equal([['unknown', 'up'], ['up', 'maintenance'], ['maintenance', 'up']]);
    expect(changes[1].reason).to.equal('maintenance: replacing the router');
    expect(changes.every((c) => !c.alert)).to.equal(true);
  });

  it('goes down (with an alert) at the first failed poll after maintenance when failures kept counting', () => {
    const window = (i: number) => (i === 1 ? 'works' : null);
    const { memory, changes } = run([() => ok(), () => failed(), () => failed()], undefined, window);
    expect(memory.state).to.equal('down');
    expect(changes[changes.length - 1]).to.include({ from: 'maintenance', to: 'down', alert: true });
  });

  it('enters and leaves maintenance between polls at the clock time', () => {
    const up = run([() => ok()]).memory;
    clock.advance(10);
    const entered = machine.applyMaintenance(up, 'works');
    expect(entered.change).to.include({ from: 'up', to: 'maintenance' });
    expect(entered.change?.at.getTime()).to.equal(clock().getTime());
    const left = machine.applyMaintenance(entered.memory, null);
    expect(left.memory.state).to.equal('unknown');
    expect(machine.applyMaintenance(up, null).change).to.equal(null);
  });
});

describe('uptime figures', () => {
  const t = (minute: number) => new Date(Date.UTC(2026, 10, 23, 0, minute));

  it('counts seconds per state and leaves maintenance out of availability', () => {
    const figures = uptimeFigures(
      [
        { at: t(10), to: 'down' },
        { at: t(20), to: 'up' },
        { at: t(30), to: 'maintenance' },
        { at: t(50), to: 'up' },
      ],
      t(0),
      t(60),
      'up',
    );
    expect(figures).to.include({ upSeconds: 30 * 60, downSeconds: 600, maintenanceSeconds: 1200, unknownSeconds: 0 });
    expect(figures.availability).to.equal(0.75);
  });

  it('is null availability when nothing was known', () => {
    expect(uptimeFigures([], t(0), t(60)).availability).to.equal(null);
  });
});
