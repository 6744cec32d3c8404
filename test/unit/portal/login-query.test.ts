import { parse } from 'node:querystring';
import { expect } from 'chai';
import { readLoginQuery } from '../../../portal/login-query.js';

/** A router's redirect to the portal, as a MikroTik Hotspot's login.html sends it. */
const ROUTER_URL =
  '/login?mac=02%3AB3%3A00%3A00%3A00%3A01&ip=10.5.0.1&username=T-02%3AB3%3A00%3A00%3A00%3A01' +
  '&link-login=http%3A%2F%2F10.5.50.1%2Flogin%3Fdst%3Dhttp%253A%252F%252Fwww.example.com%252F' +
  '&link-login-only=http%3A%2F%2F10.5.50.1%2Flogin&link-orig=http%3A%2F%2Fwww.example.com%2F' +
  '&chap-id=%5C361&chap-challenge=%5C311%5C353%5C350%5C107%5C366%5C355%5C312%5C014%5C333%5C054%5C202%5C031%5C047%5C217%5C345%5C244' +
  '&error=&identity=taman+kota+1&server-name=hotspot1';

describe('portal: the login page reads the router variables from the request line', () => {
  it('gives the same router variables as the usual query parser', () => {
    const fields = readLoginQuery(ROUTER_URL);
    const usual = parse(ROUTER_URL.slice('/login?'.length));
    for (const name of ['mac', 'ip', 'username', 'link-login-only', 'link-orig', 'chap-id', 'chap-challenge', 'error', 'identity', 'server-name']) {
      expect(fields?.[name], name).to.equal(usual[name]);
    }
    expect(fields?.['chap-id']).to.equal('\\361');
    expect(fields?.identity).to.equal('taman kota 1');
  });

  it('reads a bare /login and a field with no value', () => {
    expect(readLoginQuery('/login')).to.deep.equal({});
    expect(readLoginQuery('/login?error')).to.deep.equal({ error: '' });
  });

  it('leaves an unusual request to the usual route: another path, a name twice, a bad escape, ctx or lang', () => {
    for (const url of ['/login/click', '/loginx?mac=1', '/login?mac=1&mac=2', '/login?error=%E0%A4%A', '/login?ctx=abc', '/login?identity=a&lang=en']) {
      expect(readLoginQuery(url), url).to.equal(undefined);
    }
  });
});
