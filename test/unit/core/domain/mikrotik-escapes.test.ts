import { expect } from 'chai';
import { decodeOctalEscapes, parseChapValues } from '../../../../core/domain/mikrotik-escapes.js';

describe('MikroTik octal escapes', () => {
  it('turns each \\ooo into one byte, printable bytes included', () => {
    expect(decodeOctalEscapes('\\371')).to.deep.equal(Buffer.of(0xf9));
    expect(decodeOctalEscapes('\\145\\000\\377')).to.deep.equal(Buffer.of(0x65, 0x00, 0xff));
  });

  it('decodes the 16-byte challenge of the reference example', () => {
    const text = '\\357\\015\\330\\013\\021\\234\\145\\245\\303\\253\\142\\246\\133\\175\\375\\316';
    expect(decodeOctalEscapes(text)?.toString('hex')).to.equal('ef0dd80b119c65a5c3ab62a65b7dfdce');
  });

  it('refuses text that is not escapes only', () => {
    for (const bad of ['', '371', '\\37', '\\379', '\\400', '\\371x', 'x\\371', '\\371\\', 'ù']) {
      expect(decodeOctalEscapes(bad), bad).to.equal(undefined);
    }
  });

  it('tells CHAP off (both empty) from CHAP on and from garbage', () => {
    expect(parseChapValues('', '')).to.deep.equal({ kind: 'none' });
    const on = parseChapValues('\\371', '\\357\\015\\330\\013\\021\\234\\145\\245\\303\\253\\142\\246\\133\\175\\375\\316');
    expect(on.kind).to.equal('chap');
    if (on.kind === 'chap') expect(on.values.id).to.equal(0xf9);
    expect(parseChapValues('\\371', '').kind).to.equal('invalid');
    expect(parseChapValues('\\371\\372', '\\001\\002\\003\\004\\005').kind).to.equal('invalid');
    expect(parseChapValues('\\371', '\\001\\002').kind).to.equal('invalid');
    expect(parseChapValues('249', 'ef0dd80b119c65a5c3ab62a65b7dfdce').kind).to.equal('invalid');
  });
});
