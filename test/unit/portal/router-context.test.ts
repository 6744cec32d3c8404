import { expect } from 'chai';
import { createSecretBox } from '../../../core/crypto.js';
import {
  buildRouterContext,
  chapOf,
  CONTEXT_MAX_AGE_SECONDS,
  readRouterVariables,
  signRouterContext,
  verifyRouterContext,
} from '../../../portal/router-context.js';

const box = createSecretBox(Buffer.alloc(32, 7));
const otherBox = createSecretBox(Buffer.alloc(32, 8));
const now = new Date('2026-11-23T10:00:00+07:00');

const query = {
  mac: 'aa-bb-cc-00-00-01',
  ip: '10.5.50.2',
  'link-login-only': 'http://10.5.50.1/login',
  'link-orig': 'http://www.example.com/',
  'chap-id': '\\371',
  'chap-challenge': '\\357\\015\\330\\013\\021\\234\\145\\245\\303\\253\\142\\246\\133\\175\\375\\316',
  identity: 'taman-kota-1',
  'server-name': 'hotspot1',
};

function built(over: Record<string, unknown> = {}, hotspotHost: string | null = null) {
  const vars = readRouterVariables({ ...query, ...over });
  if (!vars) throw new Error('unreadable');
  return buildRouterContext(vars, hotspotHost, now);
}

describe('router context', () => {
  it('reads MikroTik\'s variables, normalising the MAC and keeping the CHAP escapes', () => {
    const result = built();
    expect(result.ok).to.equal(true);
    if (!result.ok) return;
    expect(result.ctx.mac).to.equal('AA:BB:CC:00:00:01');
    expect(chapOf(result.ctx)?.id).to.equal(0xf9);
    expect(chapOf(result.ctx)?.challenge.toString('hex')).to.equal('ef0dd80b119c65a5c3ab62a65b7dfdce');
  });

  it('says what is wrong with bad variables', () => {
    expect(built({ mac: '---' })).to.deep.equal({ ok: false, problem: 'bad-mac' });
    expect(built({ 'link-login-only': 'http://evil.example/login' })).to.deep.equal({ ok: false, problem: 'bad-link-login' });
    expect(built({ 'link-orig': 'javascript:alert(1)' })).to.deep.equal({ ok: false, problem: 'bad-destination' });
    expect(built({ 'chap-id': '249' })).to.deep.equal({ ok: false, problem: 'bad-chap' });
    expect(built({ identity: '' })).to.deep.equal({ ok: false, problem: 'no-identity' });
    expect(readRouterVariables({ ...query, mac: ['a', 'b'] })).to.equal(undefined);
    expect(readRouterVariables({ ...query, identity: 'x'.repeat(500) })).to.equal(undefined);
  });

  it('signs the context so it comes back unchanged, and only while fresh', () => {
    const result = built();
    if (!result.ok) throw new Error('not built');
    const token = signRouterContext(box, result.ctx);
    expect(verifyRouterContext(box, token, now)).to.deep.equal(result.ctx);
    const late = new Date(now.getTime() + (CONTEXT_MAX_AGE_SECONDS + 1) * 1000);
    expect(verifyRouterContext(box, token, late)).to.equal(undefined);
  });

  it('refuses a context signed with another key or changed on the way', () => {
    const result = built();
    if (!result.ok) throw new Error('not built');
    const token = signRouterContext(box, result.ctx);
    expect(verifyRouterContext(otherBox, token, now)).to.equal(undefined);
    const [version, payload, sig] = token.split('.');
    const changed = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('10.5.50.1', '10.5.50.9')).toString('base64url');
    expect(verifyRouterContext(box, `${version}.${changed}.${sig}`, now)).to.equal(undefined);
    for (const junk of [undefined, '', 'c1..', 42, 'c1.x.y.z']) expect(verifyRouterContext(box, junk, now)).to.equal(undefined);
  });
});
