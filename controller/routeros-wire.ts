/**
 * The RouterOS API framing on the controller's side (PROTOCOLS.md §B.1): a word is an encoded
 * length and that many bytes, a sentence is words ended by a zero-length word. Written apart from
 * sim/routeros (services never import the emulator), so the emulator and the controller check
 * each other through the wire.
 */

/** A reply word longer than this is not a RouterOS reply but a broken stream (protects memory). */
export const MAX_REPLY_WORD_BYTES = 1 << 20;

/** The stream broke the framing rules: the connection cannot be read any further. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

/** The length prefix of a word, in the shortest of the five forms. */
export function encodeLength(length: number): Buffer {
  if (!Number.isInteger(length) || length < 0 || length > 0xffff_ffff) throw new RangeError(`word length ${length} out of range`);
  if (length < 0x80) return Buffer.of(length);
  if (length < 0x4000) return Buffer.of((length >> 8) | 0x80, length & 0xff);
  if (length < 0x20_0000) return Buffer.of((length >> 16) | 0xc0, (length >> 8) & 0xff, length & 0xff);
  if (length < 0x1000_0000) return Buffer.of(((length >>> 24) & 0x0f) | 0xe0, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff);
  const out = Buffer.alloc(5);
  out[0] = 0xf0;
  out.writeUInt32BE(length, 1);
  return out;
}

/** One sentence: each word (UTF-8) with its length, then the zero-length word. */
export function encodeSentence(words: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  for (const word of words) {
    const bytes = Buffer.from(word, 'utf8');
    parts.push(encodeLength(bytes.length), bytes);
  }
  parts.push(Buffer.of(0));
  return Buffer.concat(parts);
}

/**
 * Cuts a byte stream into sentences, whatever the TCP cuts (inside a length prefix, a word or
 * between sentences). push() returns the sentences completed by the chunk and throws WireError on
 * a reserved control byte (0xF8–0xFF) or an absurd word length. Zero-length sentences are skipped.
 */
export class SentenceReader {
  private pending: Buffer = Buffer.alloc(0);
  private words: string[] = [];

  /** Bytes or words of a sentence not finished yet (for "closed mid-sentence" messages). */
  get unfinished(): number {
    return this.pending.length + this.words.length;
  }

  push(chunk: Buffer): string[][] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const sentences: string[][] = [];
    let offset = 0;
    for (;;) {
      if (offset >= this.pending.length) break;
      const first = this.pending[offset];
      let size: number;
      let length: number;
      if (first < 0x80) [size, length] = [1, first];
      else if (first < 0xc0) [size, length] = [2, first & 0x3f];
      else if (first < 0xe0) [size, length] = [3, first & 0x1f];
      else if (first < 0xf0) [size, length] = [4, first & 0x0f];
      else if (first === 0xf0) [size, length] = [5, 0];
      else throw new WireError(`reserved control byte 0x${first.toString(16)} where a word length belongs`);
      if (offset + size > this.pending.length) break;
      for (let k = 1; k < size; k++) length = length * 256 + this.pending[offset + k];
      if (length > MAX_REPLY_WORD_BYTES) throw new WireError(`a word of ${length} bytes`);
      if (offset + size + length > this.pending.length) break;
      const start = offset + size;
      offset = start + length;
      if (length === 0) {
        if (this.words.length > 0) sentences.push(this.words);
        this.words = [];
      } else {
        this.words.push(this.pending.toString('utf8', start, start + length));
      }
    }
    this.pending = offset >= this.pending.length ? Buffer.alloc(0) : this.pending.subarray(offset);
    return sentences;
  }
}

/** The `=name=value` words of a reply as an object (split at the second `=`; a value may hold `=`). */
export function attributesOf(words: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const word of words) {
    if (!word.startsWith('=')) continue;
    const eq = word.indexOf('=', 1);
    if (eq === -1) out[word.slice(1)] = '';
    else out[word.slice(1, eq)] = word.slice(eq + 1);
  }
  return out;
}

/** The `.tag=` of a reply sentence (RouterOS puts it last, but any place is accepted). */
export function tagOf(words: readonly string[]): string | undefined {
  for (let k = words.length - 1; k >= 1; k--) if (words[k].startsWith('.tag=')) return words[k].slice(5);
  return undefined;
}
