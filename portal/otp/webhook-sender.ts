import type { OtpMessage, OtpSender, SendResult } from './sender.js';

export interface WebhookSenderOptions {
  /** the gateway's endpoint, http(s) */
  url: string;
  /** sent as `Authorization: Bearer <token>` when set */
  token?: string;
  /** the message text; every `{code}` is replaced by the code */
  template: string;
  /** how long to wait for the gateway's answer (default 10 s) */
  timeoutMs?: number;
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

/** The text the citizen receives. */
export function renderOtpMessage(template: string, code: string): string {
  return template.split('{code}').join(code);
}

/** Where the gateway lives, for error lines: scheme, host and path, never a query string that may hold a key. */
function describeGateway(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * The sender for a real SMS or WhatsApp gateway: one HTTP POST per code, JSON body
 * `{ "to": "+6281234567890", "message": "…123456…", "purpose": "login" }`, with the bearer token.
 * Any 2xx answer is success. A timeout, a refused connection or any other status comes back as a
 * failure with a one-line detail that names the gateway and what went wrong; it never contains the
 * code, the number, the token or the gateway's reply body (which may echo the message).
 */
export function createWebhookSender(options: WebhookSenderOptions): OtpSender {
  const url = new URL(options.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`the OTP gateway URL must be http(s), not ${url.protocol}`);
  }
  const gateway = describeGateway(url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  return {
    kind: 'webhook',
    async send(message: OtpMessage): Promise<SendResult> {
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      const body = JSON.stringify({
        to: message.phone,
        message: renderOtpMessage(options.template, message.code),
        purpose: message.purpose,
      });
      let response: Response;
      try {
        // No redirects: the token goes to the configured gateway and nowhere else.
        response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        const name = (error as Error).name;
        if (name === 'TimeoutError' || name === 'AbortError') {
          return { ok: false, reason: 'gateway-timeout', detail: `the OTP gateway ${gateway} did not answer within ${timeoutMs} ms` };
        }
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        const why = cause?.code ?? cause?.message ?? (error as Error).message;
        return { ok: false, reason: 'gateway-unreachable', detail: `the OTP gateway ${gateway} could not be reached (${why})` };
      }
      // Drain the body so the connection is released; its content is not looked at.
      await response.arrayBuffer().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return { ok: true };
      const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      return { ok: false, reason: 'gateway-refused', detail: `the OTP gateway ${gateway} answered HTTP ${status}` };
    },
  };
}
