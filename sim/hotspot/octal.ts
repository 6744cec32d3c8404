/**
 * RouterOS writes `$(chap-id)` and `$(chap-challenge)` as literal text: every byte as a backslash and
 * three octal digits, printable bytes included (`\371`, `\145` for "e"), so a 16-byte challenge is
 * 64 characters.
 */
export function toOctalEscapes(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += `\\${byte.toString(8).padStart(3, '0')}`;
  return text;
}

/** The bytes back from that text (what a portal does before it hashes); undefined when it is not that form. */
export function fromOctalEscapes(text: string): Buffer | undefined {
  if (!/^(\\[0-3][0-7]{2})*$/.test(text)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 4) bytes.push(parseInt(text.slice(i + 1, i + 4), 8));
  return Buffer.from(bytes);
}
