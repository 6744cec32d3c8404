import { expect } from 'chai';
import { handoffPassword } from '../../../../core/domain/handoff-password.js';
import { parseChapValues } from '../../../../core/domain/mikrotik-escapes.js';

describe('handoff password', () => {
  it('is the CHAP response of PROTOCOLS.md §A.3 for the reference chap-id and challenge', () => {
    const parsed = parseChapValues('\\371', '\\357\\015\\330\\013\\021\\234\\145\\245\\303\\253\\142\\246\\133\\175\\375\\316');
    expect(parsed.kind).to.equal('chap');
    if (parsed.kind !== 'chap') return;
    expect(handoffPassword('secret', parsed.values)).to.equal('e5627b636f982d6233d0cf5931d404c2');
  });

  it('is the plain password when the router sent no CHAP values (PAP)', () => {
    expect(handoffPassword('abc123', undefined)).to.equal('abc123');
  });
});
