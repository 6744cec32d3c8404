import type { Dictionary } from './i18n.js';

/**
 * The `error` a router passes back after a failed login: a RADIUS Reply-Message (citywifi's own,
 * in Bahasa Indonesia) or a stock MikroTik errors.txt text (English). Known texts are shown in the
 * citizen's language; anything else is shown as it came (escaped, shortened).
 */

/** MikroTik's stock errors.txt texts (PROTOCOLS.md A.8), as patterns, to the portal's message keys. */
const MIKROTIK_TEXTS: Array<[RegExp, string]> = [
  [/^invalid username or password/i, 'routerError.wrong-password'],
  [/^radius server is not responding/i, 'routerError.radius-timeout'],
  [/^already authorizing, retry later/i, 'routerError.auth-in-progress'],
  [/^web browser did not send challenge response/i, 'routerError.chap-missing'],
  [/^no more sessions are allowed/i, 'routerError.simultaneous-use'],
  [/has reached uptime limit/i, 'routerError.daily-time'],
  [/has reached traffic limit/i, 'routerError.daily-bytes'],
  [/^(invalid mac|your mac address is not allowed)/i, 'routerError.invalid-mac'],
  [/^internal error/i, 'routerError.internal-error'],
];

const MAX_SHOWN = 200;

export interface RouterErrorMatcher {
  /** The message key for a router error text (and any detail after the known text), or the text itself. */
  match(text: string): { key: string; detail: string } | { text: string };
}

/** Built once from the Indonesian dictionary: its `routerError.*` entries are the Reply-Messages RADIUS sends. */
export function createRouterErrorMatcher(indonesian: Dictionary): RouterErrorMatcher {
  const known = Object.entries(indonesian)
    .filter(([key]) => key.startsWith('routerError.'))
    .map(([key, text]) => ({ key, text }))
    .sort((a, b) => b.text.length - a.text.length);
  return {
    match(raw) {
      const text = raw.trim();
      for (const { key, text: message } of known) {
        if (text === message) return { key, detail: '' };
        if (text.startsWith(`${message} `)) return { key, detail: text.slice(message.length + 1).slice(0, MAX_SHOWN) };
      }
      for (const [pattern, key] of MIKROTIK_TEXTS) if (pattern.test(text)) return { key, detail: '' };
      return { text: text.slice(0, MAX_SHOWN) };
    },
  };
}
