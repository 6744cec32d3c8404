import { expect } from 'chai';
import { parseHeartbeatBody, parseRouterUptime } from '../../../controller/heartbeat-body.js';
import { heartbeatEverySeconds, heartbeatScript, routerOsDuration, routerOsString } from '../../../controller/heartbeat-script.js';

describe('heartbeat body and script', () => {
  it('reads uptime as RouterOS 6.49 and 7 scripts print it, weeks included', () => {
    expect(parseRouterUptime('2w1d04:09:36')).to.equal(2 * 604_800 + 86_400 + 4 * 3600 + 9 * 60 + 36);
    expect(parseRouterUptime('3d03:42:53')).to.equal(3 * 86_400 + 3 * 3600 + 42 * 60 + 53);
    expect(parseRouterUptime('00:05:12')).to.equal(312);
    expect(parseRouterUptime('1w4d23h26m9s')).to.equal(604_800 + 4 * 86_400 + 23 * 3600 + 26 * 60 + 9);
    expect(parseRouterUptime('2w')).to.equal(2 * 604_800);
    expect(parseRouterUptime('soon')).to.equal(undefined);
  });

  it('takes numbers as JSON numbers or digit strings, and says what is wrong in one line', () => {
    const good = { identity: 'TS-1', uptime: '1d00:00:01', 'cpu-load': '7', 'free-memory': 10, 'total-memory': '20', version: '7.18.2 (stable)', 'board-name': 'CHR', 'active-users': 3 };
    expect(parseHeartbeatBody(JSON.stringify(good))).to.deep.equal({
      ok: true,
      values: { identity: 'TS-1', uptimeSeconds: 86_401, cpuLoad: 7, freeMemory: 10, totalMemory: 20, version: '7.18.2 (stable)', board: 'CHR', activeUsers: 3 },
    });
    expect(parseHeartbeatBody(JSON.stringify({ ...good, 'active-users': -1 }))).to.deep.include({ ok: false });
    expect(parseHeartbeatBody(JSON.stringify({ ...good, 'free-memory': 30 }))).to.deep.equal({ ok: false, reason: 'free-memory: more than total-memory' });
    expect(parseHeartbeatBody(JSON.stringify({ ...good, identity: 'a\nb' }))).to.deep.equal({ ok: false, reason: 'identity: no control characters' });
    const { version: _v, ...noVersion } = good;
    expect((parseHeartbeatBody(JSON.stringify(noVersion)) as { reason: string }).reason).to.match(/^version: /);
  });

  it('writes RouterOS strings and durations the terminal reads back as meant', () => {
    expect(routerOsString('http://h/heartbeat?site=a&x=$y "q" \\')).to.equal('"http://h/heartbeat\\?site=a&x=\\$y \\"q\\" \\\\"');
    expect(routerOsDuration(30)).to.equal('30s');
    expect(routerOsDuration(60)).to.equal('1m');
    expect(routerOsDuration(90)).to.equal('1m30s');
    expect(routerOsDuration(7200)).to.equal('2h');
    expect(heartbeatEverySeconds(60)).to.equal(30);
    expect(heartbeatEverySeconds(10)).to.equal(5);
  });

  it('balances every brace and quote of the script', () => {
    const script = heartbeatScript({ siteCode: 'TS-1', url: 'https://c.example/heartbeat?x=1', token: 'cwhb_abc-_0', everySeconds: 30 });
    let depth = 0;
    for (const line of script.split('\n')) {
      const code = line.replace(/"(?:\\.|[^"\\])*"/g, '""');
      expect((line.replace(/\\./g, '').match(/"/g) ?? []).length % 2, line).to.equal(0);
      for (const c of code) depth += c === '{' ? 1 : c === '}' ? -1 : 0;
      expect(depth, line).to.be.at.least(0);
    }
    expect(depth).to.equal(0);
    expect(script).to.include('/tool fetch url="https://c.example/heartbeat\\?x=1"');
  });
});
