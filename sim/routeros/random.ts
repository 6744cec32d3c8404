/**
 * Stateless seeded randomness: every value is a hash of (seed, router, what, when), so a router's
 * state at any moment is computed on demand, the same in every run, with no timers and no state.
 */

function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of whole numbers and short strings. */
export function hash32(...parts: Array<number | string>): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    if (typeof part === 'number') {
      h = mix32(h ^ (part >>> 0));
      h = mix32(h ^ Math.floor(part / 0x1_0000_0000));
    } else {
      for (let i = 0; i < part.length; i++) h = mix32(h ^ part.charCodeAt(i));
      h = mix32(h ^ part.length);
    }
  }
  return h;
}

/** A number in [0, 1) from the hash of the parts. */
export function unit(...parts: Array<number | string>): number {
  return hash32(...parts) / 0x1_0000_0000;
}

/** A whole number in [min, max] from the hash of the parts. */
export function between(min: number, max: number, ...parts: Array<number | string>): number {
  return min + Math.floor(unit(...parts) * (max - min + 1));
}

/** A deterministic shuffle (Fisher–Yates driven by the hash). */
export function shuffled<T>(items: readonly T[], ...parts: Array<number | string>): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(unit(...parts, i) * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Lowercase hex of `bytes` hashed bytes. */
export function hexOf(bytes: number, ...parts: Array<number | string>): string {
  let out = '';
  for (let i = 0; out.length < bytes * 2; i++) out += hash32(...parts, i).toString(16).padStart(8, '0');
  return out.slice(0, bytes * 2);
}
