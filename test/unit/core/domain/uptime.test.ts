import { expect } from 'chai';
import { buildTimeline, timelineSeconds, uptimeShare } from '../../../../core/domain/uptime.js';

const at = (iso: string) => new Date(`2026-11-25T${iso}:00+07:00`);

describe('core/domain/uptime', () => {
  it('counts degraded as up and leaves maintenance and unknown time out', () => {
    expect(uptimeShare({ up: 3000, degraded: 600, down: 400 })).to.equal(0.9);
    expect(uptimeShare({ up: 0, degraded: 0, down: 0 })).to.equal(null);
  });

  it('draws a timeline from the state at the start and the changes inside, joining equal neighbours', () => {
    const changes = [
      { at: at('07:00'), to: 'down' as const },
      { at: at('08:00'), to: 'up' as const },
      { at: at('08:30'), to: 'up' as const },
      // outside the range: ignored
      { at: at('11:00'), to: 'down' as const },
    ];
    const segments = buildTimeline(changes, at('06:00'), at('10:00'), 'up');
    expect(segments.map((s) => [s.state, s.from.toISOString(), s.to.toISOString()])).to.deep.equal([
      ['up', at('06:00').toISOString(), at('07:00').toISOString()],
      ['down', at('07:00').toISOString(), at('08:00').toISOString()],
      ['up', at('08:00').toISOString(), at('10:00').toISOString()],
    ]);
    const seconds = timelineSeconds(segments);
    expect(seconds.up).to.equal(3 * 3600);
    expect(seconds.down).to.equal(3600);
  });

  it('is one segment when nothing changed', () => {
    expect(buildTimeline([], at('06:00'), at('07:00'), 'unknown')).to.have.length(1);
  });
});
