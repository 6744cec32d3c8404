import { expect } from 'chai';
import { fromOctalEscapes, toOctalEscapes } from '../../../../sim/hotspot/octal.js';

describe('sim/hotspot CHAP values as octal escapes', () => {
  // The example of PROTOCOLS.md §A.2: printable bytes are escaped too (\145 is "e").
  const challengeText = '\\357\\015\\330\\013\\021\\234\\145\\245\\303\\253\\142\\246\\133\\175\\375\\316';
  const challenge = Buffer.from('ef0dd80b119c65a5c3ab62a65b7dfdce', 'hex');

  it('writes every byte as a backslash and three octal digits, as RouterOS does', () => {
    expect(toOctalEscapes(Buffer.of(0xf9))).to.equal('\\371');
    expect(toOctalEscapes(challenge)).to.equal(challengeText);
    expect(toOctalEscapes(challenge)).to.have.length(64);
  });

  it('pads small bytes to three digits and writes the extremes', () => {
    expect(toOctalEscapes(Buffer.of(0, 7, 8, 0x41, 0xff))).to.equal('\\000\\007\\010\\101\\377');
  });

  it('reads the text back into the same bytes, and refuses anything else', () => {
    expect(fromOctalEscapes(challengeText)!.equals(challenge)).to.equal(true);
    expect(fromOctalEscapes('\\371')!.equals(Buffer.of(0xf9))).to.equal(true);
    expect(fromOctalEscapes('')!.length).to.equal(0);
    expect(fromOctalEscapes('\\400')).to.equal(undefined);
    expect(fromOctalEscapes('\\37')).to.equal(undefined);
    expect(fromOctalEscapes('ef0d')).to.equal(undefined);
  });

  it('round-trips every byte value', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(fromOctalEscapes(toOctalEscapes(all))!.equals(all)).to.equal(true);
  });
});
