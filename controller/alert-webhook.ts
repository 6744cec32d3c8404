/**
 * Posts one alert to the configured webhook. The body is the alert's JSON; the headers let the
 * receiver check and de-duplicate it:
 *
 *   X-Citywifi-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes, keyed with ALERT_WEBHOOK_SECRET>
 *   X-Citywifi-Delivery:  <alert id>   (the same on every retry of that alert)
 *   X-Citywifi-Event:     <kind>
 *
 * One attempt per call, 5 s to answer; any 2xx is delivered. The outcome says whether trying again
 * can help (a timeout, a refused connection, 5xx, 408, 429) or not (any other 4xx: the receiver
 * rejects this alert). It never throws, and its detail names the receiver without its query string,
 * never the secret.
 */
import { createHmac } from 'node:crypto';

export const ALERT_WEBHOOK_TIMEOUT_MS = 5000;

export interface AlertDelivery {
  id: number;
  kind: string;
  /** the exact JSON sent (and signed) */
  body: string;
}

export type DeliveryOutcome = { ok: true; status: number } | { ok: false; retry: boolean; detail: string };

export type SendAlert = (delivery: AlertDelivery) => Promise<DeliveryOutcome>;

const KEY_ORDER = ['id', 'kind', 'at', 'site', 'area', 'count', 'sites', 'still_down', 'state', 'since', 'down_since', 'reason', 'message_id', 'message_en'];

/** The JSON posted for an alert, its keys in a readable order (the outbox's jsonb keeps its own). */
export function alertBodyJson(payload: object): string {
  const entries = Object.entries(payload);
  const rank = (key: string) => (KEY_ORDER.includes(key) ? KEY_ORDER.indexOf(key) : KEY_ORDER.length);
  return JSON.stringify(Object.fromEntries(entries.sort(([a], [b]) => rank(a) - rank(b))));
}

/** The X-Citywifi-Signature value for a body: what a receiver recomputes and compares. */
export function signAlertBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** The receiver as it may appear in a log: scheme, host and path, never a query string that may hold a key. */
export function describeReceiver(url: string | URL): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

export function createAlertWebhook(options: { url: string; secret?: string; timeoutMs?: number }): SendAlert {
  const url = new URL(options.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`the alert webhook URL must be http(s), not ${url.protocol}`);
  const receiver = describeReceiver(url);
  const timeoutMs = options.timeoutMs ?? ALERT_WEBHOOK_TIMEOUT_MS;
  return async (delivery) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'citywifi-alerts',
      'x-citywifi-delivery': String(delivery.id),
      'x-citywifi-event': delivery.kind,
    };
    if (options.secret) headers['x-citywifi-signature'] = signAlertBody(options.secret, delivery.body);
    try {
      // No redirects: the signed alert goes to the configured receiver and nowhere else.
      const response = await fetch(url, { method: 'POST', headers, body: delivery.body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      await response.arrayBuffer().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
      const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      const retry = !(response.status >= 400 && response.status < 500) || response.status === 408 || response.status === 429;
      return { ok: false, retry, detail: `the alert receiver ${receiver} answered HTTP ${status}` };
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        return { ok: false, retry: true, detail: `the alert receiver ${receiver} did not answer within ${timeoutMs} ms` };
      }
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (error as Error).message;
      return { ok: false, retry: true, detail: `the alert receiver ${receiver} could not be reached (${why})` };
    }
  };
}
