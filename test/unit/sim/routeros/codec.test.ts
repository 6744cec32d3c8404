import { expect } from 'chai';
import { decodeLength, encodeLength, encodeSentence, encodeWord, ProtocolError, SentenceDecoder } from '../../../../sim/routeros/codec.js';

// The test vectors of PROTOCOLS.md §B.1: each range's smallest and largest length.
const VECTORS: Array<[number, string]> = [
  [0, '00'],
  [0x7f, '7f'],
  [0x80, '8080'],
  [0x3fff, 'bfff'],
  [0x4000, 'c04000'],
  [0x1fffff, 'dfffff'],
  [0x200000, 'e0200000'],
  [0xfffffff, 'efffffff'],
  [0x10000000, 'f010000000'],
];

describe('sim/routeros word lengths (PROTOCOLS.md §B.1)', () => {
  it('encodes every range as the test vectors say', () => {
    for (const [length, hex] of VECTORS) expect(encodeLength(length).toString('hex'), `length 0x${length.toString(16)}`).to.equal(hex);
  });

  it('decodes the test vectors back, with the size of the prefix', () => {
    for (const [length, hex] of VECTORS) {
      expect(decodeLength(Buffer.from(hex, 'hex'))).to.deep.equal({ kind: 'length', length, size: hex.length / 2 });
    }
  });

  it('round-trips lengths across each boundary and the 4-byte maximum', () => {
    for (const n of [1, 0x7e, 0x81, 0x3ffe, 0x4001, 0x1ffffe, 0x200001, 0xffffffe, 0x10000001, 0xffffffff]) {
      const bytes = encodeLength(n);
      expect(decodeLength(bytes)).to.deep.equal({ kind: 'length', length: n, size: bytes.length });
    }
  });

  it('refuses lengths that cannot be written', () => {
    expect(() => encodeLength(-1)).to.throw(RangeError);
    expect(() => encodeLength(2 ** 32)).to.throw(RangeError);
    expect(() => encodeLength(1.5)).to.throw(RangeError);
  });

  it('says incomplete when the buffer ends inside a prefix', () => {
    expect(decodeLength(Buffer.alloc(0))).to.deep.equal({ kind: 'incomplete' });
    expect(decodeLength(Buffer.from('80', 'hex'))).to.deep.equal({ kind: 'incomplete' });
    expect(decodeLength(Buffer.from('c040', 'hex'))).to.deep.equal({ kind: 'incomplete' });
    expect(decodeLength(Buffer.from('f0100000', 'hex'))).to.deep.equal({ kind: 'incomplete' });
  });

  it('reads a first byte from 0xF8 as a reserved control byte', () => {
    for (let b = 0xf8; b <= 0xff; b++) expect(decodeLength(Buffer.of(b, 0, 0, 0, 0))).to.deep.equal({ kind: 'reserved', byte: b });
  });

  it('encodes the login example byte for byte', () => {
    const hex = encodeSentence(['/login', '=name=admin', '=password=']).toString('hex');
    expect(hex).to.equal('062f6c6f67696e0b3d6e616d653d61646d696e0a3d70617373776f72643d00');
  });

  it('counts bytes, not characters', () => {
    expect(encodeWord('=name=Kelurahan Cempaka Putih – Timur').subarray(0, 1)[0]).to.equal(Buffer.byteLength('=name=Kelurahan Cempaka Putih – Timur'));
  });
});

describe('sim/routeros sentence decoder', () => {
  const sentences = [['!re', '=name=ether1', `=comment=${'x'.repeat(300)}`, '.tag=4'], ['!done', '.tag=4']];
  const stream = Buffer.concat(sentences.map((s) => encodeSentence(s)));

  it('reads sentences from one chunk', () => {
    const decoded = new SentenceDecoder().push(stream).map((s) => s.map((w) => w.toString()));
    expect(decoded).to.deep.equal(sentences);
  });

  it('reads the same sentences fed one byte at a time', () => {
    const decoder = new SentenceDecoder();
    const decoded: string[][] = [];
    for (let k = 0; k < stream.length; k++) decoded.push(...decoder.push(stream.subarray(k, k + 1)).map((s) => s.map((w) => w.toString())));
    expect(decoded).to.deep.equal(sentences);
    expect(decoder.buffered).to.equal(0);
  });

  it('reads a word longer than 0x3FFF (3-byte length)', () => {
    const long = 'y'.repeat(0x4000 + 5);
    const [sentence] = new SentenceDecoder(1 << 20).push(encodeSentence(['!re', `=x=${long}`]));
    expect(sentence[1].toString()).to.equal(`=x=${long}`);
  });

  it('skips zero-length sentences', () => {
    const decoded = new SentenceDecoder().push(Buffer.concat([Buffer.of(0, 0), encodeSentence(['/quit'])]));
    expect(decoded.map((s) => s.map((w) => w.toString()))).to.deep.equal([['/quit']]);
  });

  it('throws a ProtocolError on a reserved byte and on a word beyond the limit', () => {
    expect(() => new SentenceDecoder().push(Buffer.of(0xf8))).to.throw(ProtocolError, /reserved/);
    expect(() => new SentenceDecoder(100).push(encodeLength(101))).to.throw(ProtocolError, /longer/);
  });
});
