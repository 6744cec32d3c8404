/**
 * The RouterOS API framing (PROTOCOLS.md §B.1): a word is an encoded length and that many bytes, a
 * sentence is words ended by a zero-length word. Used by the emulated routers and by the tests'
 * own raw client, so both sides of the wire share one tested codec.
 */

/** Lengths of 2^32 and more cannot be written (the 5-byte form carries 4 bytes of length). */
export const MAX_WORD_LENGTH = 0xffff_ffff;

/** The encoded length prefix, in the shortest of the five forms. */
export function encodeLength(length: number): Buffer {
  if (!Number.isInteger(length) || length < 0 || length > MAX_WORD_LENGTH) {
    throw new RangeError(`a RouterOS word length must be an integer from 0 to ${MAX_WORD_LENGTH}, not ${length}`);
  }
  if (length < 0x80) return Buffer.of(length);
  if (length < 0x4000) return Buffer.of((length >> 8) | 0x80, length & 0xff);
  if (length < 0x20_0000) return Buffer.of((length >> 16) | 0xc0, (length >> 8) & 0xff, length & 0xff);
  if (length < 0x1000_0000) return Buffer.of(((length >>> 24) & 0xff) | 0xe0, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff);
  const out = Buffer.alloc(5);
  out[0] = 0xf0;
  out.writeUInt32BE(length, 1);
  return out;
}

/**
 * Reads a length prefix at `offset`: the length and how many bytes the prefix took; `incomplete`
 * when the buffer ends inside the prefix; `reserved` for a first byte from 0xF8 (a control byte,
 * a protocol error for a client or server).
 */
export type LengthRead = { kind: 'length'; length: number; size: number } | { kind: 'incomplete' } | { kind: 'reserved'; byte: number };

export function decodeLength(buffer: Uint8Array, offset = 0): LengthRead {
  if (offset >= buffer.length) return { kind: 'incomplete' };
  const first = buffer[offset];
  let size: number;
  let value: number;
  if ((first & 0x80) === 0x00) return { kind: 'length', length: first, size: 1 };
  if ((first & 0xc0) === 0x80) {
    size = 2;
    value = first & 0x3f;
  } else if ((first & 0xe0) === 0xc0) {
    size = 3;
    value = first & 0x1f;
  } else if ((first & 0xf0) === 0xe0) {
    size = 4;
    value = first & 0x0f;
  } else if (first === 0xf0) {
    size = 5;
    value = 0;
  } else {
    return { kind: 'reserved', byte: first };
  }
  if (offset + size > buffer.length) return { kind: 'incomplete' };
  for (let i = 1; i < size; i++) value = value * 256 + buffer[offset + i];
  return { kind: 'length', length: value, size };
}

/** One word: its length prefix and its bytes (strings are written as UTF-8). */
export function encodeWord(word: string | Buffer): Buffer {
  const bytes = typeof word === 'string' ? Buffer.from(word, 'utf8') : word;
  return Buffer.concat([encodeLength(bytes.length), bytes]);
}

/** A sentence: its words and the terminating zero-length word. */
export function encodeSentence(words: ReadonlyArray<string | Buffer>): Buffer {
  return Buffer.concat([...words.map(encodeWord), Buffer.of(0)]);
}

export class ProtocolError extends Error {
  constructor(
    message: string,
    readonly reason: 'reserved-byte' | 'word-too-long',
  ) {
    super(message);
  }
}

/**
 * Turns a byte stream, in chunks of any size (down to one byte), into sentences. Zero-length
 * sentences are skipped. Throws ProtocolError on a reserved control byte or a word longer than
 * `maxWordLength` (a guard against a peer announcing gigabytes); the stream is unusable after that.
 */
export class SentenceDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private words: Buffer[] = [];

  constructor(private readonly maxWordLength = 1024 * 1024) {}

  /** Adds a chunk and returns every sentence it completes, as the raw bytes of each word. */
  push(chunk: Buffer): Buffer[][] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const sentences: Buffer[][] = [];
    let offset = 0;
    for (;;) {
      const read = decodeLength(this.pending, offset);
      if (read.kind === 'incomplete') break;
      if (read.kind === 'reserved') {
        throw new ProtocolError(`reserved control byte 0x${read.byte.toString(16)} where a word length was expected`, 'reserved-byte');
      }
      if (read.length > this.maxWordLength) {
        throw new ProtocolError(`word of ${read.length} bytes is longer than the ${this.maxWordLength} allowed`, 'word-too-long');
      }
      const end = offset + read.size + read.length;
      if (end > this.pending.length) break;
      if (read.length === 0) {
        if (this.words.length > 0) sentences.push(this.words);
        this.words = [];
      } else {
        this.words.push(Buffer.from(this.pending.subarray(offset + read.size, end)));
      }
      offset = end;
    }
    this.pending = offset === this.pending.length ? Buffer.alloc(0) : this.pending.subarray(offset);
    return sentences;
  }

  /** Bytes received that do not yet form a whole word, plus words of an unfinished sentence. */
  get buffered(): number {
    return this.pending.length + this.words.length;
  }
}
