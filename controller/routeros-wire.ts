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
  return encodeSentences([words]);
}

/** The byte size of a word's length prefix. */
function prefixSize(length: number): number {
  return length < 0x80 ? 1 : length < 0x4000 ? 2 : length < 0x20_0000 ? 3 : length < 0x1000_0000 ? 4 : 5;
}

/**
 * Several sentences in one buffer, for one socket write (tagged commands pipelined, §B.6). Sizes
 * first, then one allocation written in place: no buffer per word.
 */
export function encodeSentences(sentences: ReadonlyArray<readonly string[]>): Buffer {
  let total = 0;
  for (const words of sentences) {
    for (const word of words) {
      const length = Buffer.byteLength(word, 'utf8');
      if (length > 0xffff_ffff) throw new RangeError(`word length ${length} out of range`);
      total += prefixSize(length) + length;
    }
    total += 1;
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const words of sentences) {
    for (const word of words) {
      const length = Buffer.byteLength(word, 'utf8');
      at = writeLength(out, at, length);
      at += out.write(word, at, 'utf8');
    }
    out[at++] = 0;
  }
  return out;
}

function writeLength(out: Buffer, at: number, length: number): number {
  if (length < 0x80) {
    out[at] = length;
    return at + 1;
  }
  if (length < 0x4000) {
    out[at] = (length >> 8) | 0x80;
    out[at + 1] = length & 0xff;
    return at + 2;
  }
  if (length < 0x20_0000) {
    out[at] = (length >> 16) | 0xc0;
    out[at + 1] = (length >> 8) & 0xff;
    out[at + 2] = length & 0xff;
    return at + 3;
  }
  if (length < 0x1000_0000) {
    out[at] = ((length >>> 24) & 0x0f) | 0xe0;
    out[at + 1] = (length >> 16) & 0xff;
    out[at + 2] = (length >> 8) & 0xff;
    out[at + 3] = length & 0xff;
    return at + 4;
  }
  out[at] = 0xf0;
  out.writeUInt32BE(length, at + 1);
  return at + 5;
}

const EMPTY = Buffer.alloc(0);
const NO_SENTENCES: readonly string[][] = Object.freeze([]);

/**
 * Cuts a byte stream into sentences, whatever the TCP cuts (inside a length prefix, a word or
 * between sentences). push() returns the sentences completed by the chunk and throws WireError on
 * a reserved control byte (0xF8–0xFF) or an absurd word length. Zero-length sentences are skipped.
 * A chunk is read in place; only an unfinished tail is kept (copied once, when the next chunk comes).
 */
export class SentenceReader {
  private pending: Buffer = EMPTY;
  private words: string[] = [];

  /** Bytes or words of a sentence not finished yet (for "closed mid-sentence" messages). */
  get unfinished(): number {
    return this.pending.length + this.words.length;
  }

  push(chunk: Buffer): readonly string[][] {
    const bytes = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const end = bytes.length;
    let sentences: string[][] | undefined;
    let offset = 0;
    while (offset < end) {
      const first = bytes[offset];
      let size: number;
      let length: number;
      if (first < 0x80) {
        size = 1;
        length = first;
      } else if (first < 0xc0) {
        size = 2;
        length = first & 0x3f;
      } else if (first < 0xe0) {
        size = 3;
        length = first & 0x1f;
      } else if (first < 0xf0) {
        size = 4;
        length = first & 0x0f;
      } else if (first === 0xf0) {
        size = 5;
        length = 0;
      } else throw new WireError(`reserved control byte 0x${first.toString(16)} where a word length belongs`);
      if (offset + size > end) break;
      for (let k = 1; k < size; k++) length = length * 256 + bytes[offset + k];
      if (length > MAX_REPLY_WORD_BYTES) throw new WireError(`a word of ${length} bytes`);
      const start = offset + size;
      if (start + length > end) break;
      offset = start + length;
      if (length === 0) {
        if (this.words.length > 0) (sentences ??= []).push(this.words);
        this.words = [];
      } else {
        this.words.push(bytes.toString('utf8', start, offset));
      }
    }
    // The tail is a view of the chunk: copy it, so a kept connection does not pin a whole 64 KiB read.
    this.pending = offset >= end ? EMPTY : Buffer.from(bytes.subarray(offset));
    return sentences ?? NO_SENTENCES;
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
