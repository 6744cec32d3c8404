/**
 * MikroTik writes $(chap-id) and $(chap-challenge) as octal escapes meant for a JavaScript string
 * literal: one `\ooo` per byte, printable bytes included (`\371`, or 16 of them for a challenge).
 * They reach an external portal as that literal text; each escape must become one byte before hashing.
 */
const ESCAPED = /^(?:\\[0-3][0-7]{2})+$/;

/** The bytes behind a run of `\ooo` escapes, or undefined when the text is anything else. */
export function decodeOctalEscapes(text: string): Buffer | undefined {
  if (!ESCAPED.test(text)) return undefined;
  const bytes = Buffer.alloc(text.length / 4);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.slice(i * 4 + 1, i * 4 + 4), 8);
  return bytes;
}

export interface ChapValues {
  id: number;
  challenge: Buffer;
}

/** Minimum challenge length the router could send: RFC 2865 §5.40 asks for at least 5 bytes (MikroTik sends 16). */
const MIN_CHALLENGE = 5;
const MAX_CHALLENGE = 64;

/**
 * The CHAP values of a router redirect: `none` when chap-id is empty (CHAP is off, the router expects
 * the plain password), `invalid` when they are present but not well-formed escapes.
 */
export function parseChapValues(chapId: string, chapChallenge: string): { kind: 'none' } | { kind: 'chap'; values: ChapValues } | { kind: 'invalid' } {
  if (chapId === '' && chapChallenge === '') return { kind: 'none' };
  const id = decodeOctalEscapes(chapId);
  const challenge = decodeOctalEscapes(chapChallenge);
  if (!id || id.length !== 1 || !challenge || challenge.length < MIN_CHALLENGE || challenge.length > MAX_CHALLENGE) return { kind: 'invalid' };
  return { kind: 'chap', values: { id: id[0], challenge } };
}
