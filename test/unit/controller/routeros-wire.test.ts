import { expect } from 'chai';
import { attributesOf, encodeLength, encodeSentence, encodeSentences, SentenceReader, tagOf, WireError } from '../../../controller/routeros-wire.js';

describe('controller/routeros-wire', () => {
  it('encodes lengths with the test vectors of PROTOCOLS.md §B.1', () => {
    const hex = (n: number): string => encodeLength(n).toString('hex');
    expect([0, 0x7f, 0x80, 0x3fff, 0x4000, 0x1fffff, 0x200000, 0xfffffff, 0x10000000].map(hex)).to.deep.equal([
      '00', '7f', '8080', 'bfff', 'c04000', 'dfffff', 'e0200000', 'efffffff', 'f010000000',
    ]);
  });
  it('encodes the login example', () => {
    expect(encodeSentence(['/login', '=name=admin', '=password=']).toString('hex')).to.equal(
      '062f6c6f67696e0b3d6e616d653d61646d696e0a3d70617373776f72643d00',
    );
  });
  it('reads sentences cut at every byte, and long words', () => {
    const long = 'x'.repeat(300);
    const bytes = Buffer.concat([encodeSentence(['!re', `=name=${long}`, '.tag=7']), encodeSentence(['!done', '.tag=7'])]);
    const reader = new SentenceReader();
    const out: string[][] = [];
    for (let k = 0; k < bytes.length; k++) out.push(...reader.push(bytes.subarray(k, k + 1)));
    expect(out).to.deep.equal([['!re', `=name=${long}`, '.tag=7'], ['!done', '.tag=7']]);
    expect(reader.unfinished).to.equal(0);
  });
  it('puts several sentences in one buffer, word by word with their lengths, and reads them back from one chunk', () => {
    const sentences = [
      ['/system/resource/print', '=.proplist=uptime,version', '.tag=1'],
      ['/interface/print', `=comment=${'é'.repeat(100)}`, '.tag=2'],
      ['/ip/hotspot/active/print', '=count-only=', '.tag=3'],
      ['/x', 'y'.repeat(0x4000), '.tag=4'],
    ];
    const one = encodeSentences(sentences);
    const byWord = (words: string[]) => Buffer.concat([...words.flatMap((w) => [encodeLength(Buffer.byteLength(w)), Buffer.from(w)]), Buffer.of(0)]);
    expect(one.equals(Buffer.concat(sentences.map(byWord)))).to.equal(true);
    expect(new SentenceReader().push(one)).to.deep.equal(sentences);
  });
  it('throws WireError on a reserved control byte', () => {
    const reader = new SentenceReader();
    expect(() => reader.push(Buffer.concat([encodeSentence(['!re']).subarray(0, 4), Buffer.of(0xf9, 1, 2)]))).to.throw(WireError);
  });
  it('splits attributes at the second = and finds the tag', () => {
    expect(attributesOf(['!re', '=comment=a=b', '=empty=', '.tag=3'])).to.deep.equal({ comment: 'a=b', empty: '' });
    expect(tagOf(['!done', '=ret=4', '.tag=3'])).to.equal('3');
    expect(tagOf(['!done'])).to.equal(undefined);
  });
});
