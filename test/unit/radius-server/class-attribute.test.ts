import { expect } from 'chai';
import { decodeClass, encodeClass } from '../../../radius-server/class-attribute.js';
import { DuplicateCache } from '../../../radius-server/duplicates.js';

describe('Class attribute', () => {
  it('round-trips who logged in', () => {
    const p = { loginKind: 'otp', subscriberId: 12, deviceId: 34, voucherId: null, accountId: null, planId: 2 };
    expect(encodeClass(p)).to.equal('cw1:otp:12:34:::2');
    expect(decodeClass(encodeClass(p))).to.deep.equal(p);
    expect(decodeClass(Buffer.from(encodeClass(p)))).to.deep.equal(p);
  });

  it('ignores a Class that is not ours or is damaged', () => {
    expect(decodeClass('some-other-server')).to.equal(undefined);
    expect(decodeClass('cw1:otp:x:34:::2')).to.equal(undefined);
    expect(decodeClass('cw1:otp:1:2')).to.equal(undefined);
    expect(decodeClass(undefined)).to.equal(undefined);
  });
});

describe('duplicate cache', () => {
  const auth = Buffer.alloc(16, 1);
  it('marks a new request in progress, then replays its reply', () => {
    const cache = new DuplicateCache(30_000);
    const key = DuplicateCache.key('10.0.0.1', 1812, 7, auth);
    expect(cache.check(key, 0)).to.deep.equal({ kind: 'new' });
    expect(cache.check(key, 10)).to.deep.equal({ kind: 'in-progress' });
    cache.answered(key, Buffer.from('reply'));
    expect(cache.check(key, 20)).to.deep.equal({ kind: 'answered', reply: Buffer.from('reply') });
  });

  it('treats another authenticator or port as a new request, and forgets after the window', () => {
    const cache = new DuplicateCache(30_000);
    cache.check(DuplicateCache.key('10.0.0.1', 1812, 7, auth), 0);
    expect(cache.check(DuplicateCache.key('10.0.0.1', 1812, 7, Buffer.alloc(16, 2)), 1).kind).to.equal('new');
    expect(cache.check(DuplicateCache.key('10.0.0.1', 1813, 7, auth), 2).kind).to.equal('new');
    expect(cache.check(DuplicateCache.key('10.0.0.1', 1812, 7, auth), 30_001).kind).to.equal('new');
  });
});
