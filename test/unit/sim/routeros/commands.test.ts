import { expect } from 'chai';
import { runCommand, type Outcome } from '../../../../sim/routeros/commands.js';
import type { FaultKind } from '../../../../sim/routeros/faults.js';
import { buildRouterSpec, routerStateAt, type RouterSpec } from '../../../../sim/routeros/router.js';
import { parseRequest, type Reply } from '../../../../sim/routeros/sentence.js';

const AT = new Date('2026-02-25T12:00:00Z');

function router(index: number, fault: FaultKind | null = null): RouterSpec {
  return buildRouterSpec({ index, seed: 11, host: '127.0.0.1', port: 0, fault, faultOrdinal: 0, credentials: { user: 'a', password: 'b' }, startedAt: AT });
}

function replies(spec: RouterSpec, words: string[], at = AT): Reply[] {
  const outcome: Outcome = runCommand(parseRequest(words)!, spec, routerStateAt(spec, at));
  if (outcome.kind !== 'replies') throw new Error('expected replies');
  return outcome.replies;
}

function field(reply: Reply, name: string): string | undefined {
  return reply.find((w) => w.startsWith(`=${name}=`))?.slice(name.length + 2);
}

const specs = Array.from({ length: 14 }, (_, i) => router(i));
const v6 = specs.find((s) => s.version.startsWith('6.'))!;
const v710 = specs.find((s) => s.version.startsWith('7.10'))!;
const v716 = specs.find((s) => s.version.startsWith('7.16'))!;
const v718 = specs.find((s) => s.version.startsWith('7.18'))!;

describe('sim/routeros commands', () => {
  it('prints /system/resource with the fields and formats of each version', () => {
    const [item6, done6] = replies(v6, ['/system/resource/print']);
    expect(done6).to.deep.equal(['!done']);
    expect(field(item6, 'version')).to.match(/^6\.49\.\d+ \(long-term\)$/);
    expect(field(item6, 'build-time')).to.match(/^[A-Z][a-z]{2}\/\d\d\/\d{4} \d\d:\d\d:\d\d$/);
    expect(field(item6, 'factory-software')).to.equal(undefined);
    expect(field(item6, 'uptime')).to.match(/^(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?$/);
    expect(field(replies(v710, ['/system/resource/print'])[0], 'build-time')).to.match(/^[A-Z][a-z]{2}\/\d\d\/\d{4} /);
    const item716 = replies(v716, ['/system/resource/print'])[0];
    expect(field(item716, 'build-time')).to.equal('2024-11-26 12:09:40');
    expect(field(item716, 'factory-software')).to.match(/^\d/);
    const state = routerStateAt(v716, AT);
    expect(field(item716, 'cpu-load')).to.equal(String(state.cpuLoad));
    expect(field(item716, 'free-memory')).to.equal(String(state.freeMemory));
  });

  it('answers count-only with !done =ret=N and no !re', () => {
    const s = specs.find((x) => routerStateAt(x, AT).activeUsers > 0)!;
    const out = replies(s, ['/ip/hotspot/active/print', '=count-only=', '.tag=9']);
    expect(out).to.deep.equal([['!done', `=ret=${routerStateAt(s, AT).activeUsers}`, '.tag=9']]);
    const full = replies(s, ['/ip/hotspot/active/print']);
    expect(full.filter((r) => r[0] === '!re')).to.have.length(routerStateAt(s, AT).activeUsers);
  });

  it('answers an empty table with !empty + !done from 7.18 and a bare !done before', () => {
    const night = new Date('2026-02-25T20:00:00Z');
    const none = ['/interface/print', '?type=pppoe-out', '.tag=e'];
    expect(replies(v718, none, night)).to.deep.equal([['!empty', '.tag=e'], ['!done', '.tag=e']]);
    expect(replies(v716, none, night)).to.deep.equal([['!done', '.tag=e']]);
  });

  it('trims items to the proplist', () => {
    const out = replies(v6, ['/interface/print', '=.proplist=name,rx-byte']);
    expect(out.length).to.be.greaterThan(2);
    for (const r of out.slice(0, -1)) {
      expect(r[0]).to.equal('!re');
      expect(r.slice(1).map((w) => w.split('=')[1])).to.deep.equal(['name', 'rx-byte']);
    }
  });

  it('prints health as named fields on v6 and one item per sensor on v7', () => {
    const named = replies(v6, ['/system/health/print']);
    expect(named).to.have.length(2);
    expect(field(named[0], 'voltage') ?? field(named[0], 'temperature')).to.match(/^\d+(\.\d)?(V|C)?$/);
    const sensors = replies(v718, ['/system/health/print']);
    if (v718.formats.health === 'sensors') {
      expect(sensors.length).to.be.greaterThan(2);
      for (const r of sensors.slice(0, -1)) {
        expect(field(r, 'name')).to.be.a('string');
        expect(field(r, 'type')).to.be.a('string');
        expect(r[1]).to.match(/^=\.id=\*[0-9A-F]+$/);
      }
    } else {
      expect(sensors).to.deep.equal([['!empty'], ['!done']]);
    }
  });

  it('traps wireless commands on a router without the wireless package', () => {
    const s = router(3, 'no-wireless');
    expect(replies(s, ['/interface/wireless/print', '.tag=w'])).to.deep.equal([
      ['!trap', '=category=0', '=message=no such command or directory (wireless)', '.tag=w'],
      ['!trap', '=message=no such command prefix', '.tag=w'],
      ['!done', '.tag=w'],
    ]);
  });

  it('traps an unknown command and an unknown verb', () => {
    expect(replies(v6, ['/nothing/here'])[0]).to.deep.equal(['!trap', '=category=0', '=message=no such command or directory (nothing)']);
    expect(replies(v6, ['/interface/frobnicate'])[0]).to.deep.equal(['!trap', '=category=0', '=message=no such command or directory (frobnicate)']);
  });

  it('traps a malformed query with category 1', () => {
    expect(replies(v6, ['/interface/print', '?#z'])[0][1]).to.equal('=category=1');
  });

  it('starts a ping that streams without a count', () => {
    const outcome = runCommand(parseRequest(['/ping', '=address=10.0.0.1', '=interval=0.5'])!, v6, routerStateAt(v6, AT));
    expect(outcome).to.deep.equal({ kind: 'ping', address: '10.0.0.1', count: undefined, intervalMs: 500 });
  });
});
