import { parsePhoneNumberFromString } from 'libphonenumber-js/mobile';

/**
 * Phone numbers in one form everywhere: E.164 with Indonesia's +62 (`+6281234567890`), as a citizen
 * may type them: `0812-3456-7890`, `+62 812 3456 7890`, `62812…`, `812…`. The `mobile` metadata
 * accepts only numbers that can receive an SMS or a WhatsApp message, so a landline is refused here
 * rather than by a gateway.
 */

/** Longer input than this is not a phone number (bounded before it reaches the parser). */
export const MAX_PHONE_INPUT_LENGTH = 32;

const ALLOWED = /^[0-9+()\-.\s]+$/;

export type PhoneProblem = 'empty' | 'malformed' | 'not-indonesian' | 'not-mobile';

export type NormalizedPhone = { ok: true; e164: string } | { ok: false; problem: PhoneProblem };

/** An Indonesian mobile number as E.164, or why the input is not one. */
export function normalizePhone(input: string | undefined | null): NormalizedPhone {
  const text = (input ?? '').trim();
  if (text === '') return { ok: false, problem: 'empty' };
  if (text.length > MAX_PHONE_INPUT_LENGTH || !ALLOWED.test(text)) return { ok: false, problem: 'malformed' };
  const digits = text.replace(/\D/g, '');
  if (digits.length < 8 || digits.length > 15) return { ok: false, problem: 'malformed' };
  // "00" is the international prefix; "+" written after spaces is still a leading "+".
  const international = text.startsWith('+') ? text : text.startsWith('00') ? `+${text.slice(2)}` : text;
  const parsed = parsePhoneNumberFromString(international, 'ID');
  if (!parsed) return { ok: false, problem: 'malformed' };
  if (parsed.countryCallingCode !== '62') return { ok: false, problem: 'not-indonesian' };
  if (!parsed.isValid()) return { ok: false, problem: 'not-mobile' };
  return { ok: true, e164: parsed.number };
}

/** The E.164 form, or undefined: for callers that only need to know whether a number is usable. */
export function toE164(input: string | undefined | null): string | undefined {
  const result = normalizePhone(input);
  return result.ok ? result.e164 : undefined;
}

/**
 * The form shown and logged: country code and operator prefix kept, the middle hidden, the last
 * three digits kept so a citizen recognises their own number (`+62812*****890`).
 */
export function maskPhone(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  if (digits.length < 8) return '+' + '*'.repeat(Math.max(digits.length, 1));
  const head = digits.slice(0, 5);
  const tail = digits.slice(-3);
  return `+${head}${'*'.repeat(digits.length - head.length - tail.length)}${tail}`;
}
