import { expect } from 'chai';
import { createSecretBox, hashPassword, randomToken, verifyPassword } from '../../../core/crypto.js';

describe('secret box', () => {
  const box = createSecretBox(Buffer.alloc(32, 7));

  it('round-trips a secret and never stores it in clear', () => {
    const sealed = box.encrypt('router-password');
    expect(sealed).not.to.contain('router-password');
    expect(box.decrypt(sealed)).to.equal('router-password');
    expect(box.encrypt('x')).not.to.equal(box.encrypt('x'));
  });

  it('refuses a value sealed with another key', () => {
    const other = createSecretBox(Buffer.alloc(32, 8));
    expect(() => other.decrypt(box.encrypt('secret'))).to.throw(/not encrypted with this key/);
  });

  it('makes stable keyed hashes that differ by key', () => {
    expect(box.keyedHash('+628123')).to.equal(box.keyedHash('+628123'));
    expect(createSecretBox(Buffer.alloc(32, 9)).keyedHash('+628123')).not.to.equal(box.keyedHash('+628123'));
  });
});

describe('password hashing', () => {
  it('accepts the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse');
    expect(stored).not.to.contain('correct horse');
    expect(await verifyPassword('correct horse', stored)).to.equal(true);
    expect(await verifyPassword('wrong', stored)).to.equal(false);
  });
});

describe('randomToken', () => {
  it('gives ASCII of the asked length from the alphabet', () => {
    const token = randomToken(24);
    expect(token).to.match(/^[a-z2-9]{24}$/);
    expect(randomToken(24)).not.to.equal(token);
  });
});
