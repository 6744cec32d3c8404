import { expect } from 'chai';
import { applyProplist, matchesQuery, QueryError } from '../../../../sim/routeros/query.js';
import type { Item } from '../../../../sim/routeros/sentence.js';

const ether1: Item = [['name', 'ether1'], ['type', 'ether'], ['mtu', '1500'], ['running', 'true']];
const wlan1: Item = [['name', 'wlan1'], ['type', 'wlan'], ['mtu', '1500'], ['running', 'true'], ['slave', 'true']];
const bridge: Item = [['name', 'bridge-hotspot'], ['type', 'bridge'], ['mtu', 'auto'], ['running', 'false']];
const all = [ether1, wlan1, bridge];

function names(queries: string[]): string[] {
  return all.filter((item) => matchesQuery(item, queries)).map((item) => item[0][1]);
}

describe('sim/routeros print queries (PROTOCOLS.md §B.5)', () => {
  it('keeps everything without a query', () => {
    expect(names([])).to.deep.equal(['ether1', 'wlan1', 'bridge-hotspot']);
  });

  it('compares values with ?name=x and ?=name=x', () => {
    expect(names(['type=ether'])).to.deep.equal(['ether1']);
    expect(names(['=type=wlan'])).to.deep.equal(['wlan1']);
  });

  it('tests presence with ?name and absence with ?-name', () => {
    expect(names(['slave'])).to.deep.equal(['wlan1']);
    expect(names(['-slave'])).to.deep.equal(['ether1', 'bridge-hotspot']);
  });

  it('compares numbers as numbers with ?< and ?>, and an item without the property fails', () => {
    expect(names(['<mtu=1501'])).to.deep.equal(['ether1', 'wlan1']);
    expect(names(['>mtu=1499'])).to.deep.equal(['ether1', 'wlan1']);
    expect(names(['>missing=0'])).to.deep.equal([]);
  });

  it('applies the operators: the example of ethernet or wlan, not, and, dup', () => {
    expect(names(['type=ether', 'type=wlan', '#|'])).to.deep.equal(['ether1', 'wlan1']);
    expect(names(['type=ether', '#!'])).to.deep.equal(['wlan1', 'bridge-hotspot']);
    expect(names(['running=true', 'mtu=1500', '#&'])).to.deep.equal(['ether1', 'wlan1']);
    expect(names(['type=bridge', '#.|'])).to.deep.equal(['bridge-hotspot']);
  });

  it('reads an index at the end of the word as the whole stack', () => {
    // Stack [type=ether, running=true]; "#0" keeps only the first entry.
    expect(names(['type=ether', 'running=true', '#0'])).to.deep.equal(['ether1']);
    // "#1!" copies entry 1 and negates it: [type=wlan, slave, !slave].
    expect(names(['type=wlan', 'slave', '#1!'])).to.deep.equal([]);
  });

  it('refuses an unknown operator or index', () => {
    expect(() => names(['#x'])).to.throw(QueryError);
    expect(() => names(['type=ether', '#4'])).to.throw(QueryError);
  });

  it('keeps only the properties of the proplist, in the item\'s order', () => {
    expect(applyProplist(wlan1, 'type,name,nothing')).to.deep.equal([['name', 'wlan1'], ['type', 'wlan']]);
    expect(applyProplist(wlan1, undefined)).to.equal(wlan1);
  });
});
