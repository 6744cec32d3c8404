/**
 * One interface for every way a one-time code reaches a citizen: the console sender for development
 * and the demo, the webhook sender for a real SMS/WhatsApp gateway, or any sender a test injects.
 */

/** What a code is for: going online, or seeing and deleting one's data ("My data"). */
export type OtpPurpose = 'login' | 'mydata';

export interface OtpMessage {
  /** E.164, +62… (core/domain/phone.ts normalizePhone) */
  phone: string;
  /** the 6-digit code in clear: it exists in clear only on its way to the citizen */
  code: string;
  purpose: OtpPurpose;
}

/** Why a message did not leave: the portal shows the citizen a "try again later" page and logs the detail. */
export type SendFailureReason = 'gateway-timeout' | 'gateway-unreachable' | 'gateway-refused';

export type SendResult = { ok: true } | { ok: false; reason: SendFailureReason; detail: string };

export interface OtpSender {
  /** for logs and the start-up line: 'console', 'webhook', … */
  readonly kind: string;
  /**
   * Delivers the code. A gateway failure is an expected outcome and comes back as `{ ok: false }`
   * with a one-line `detail` fit for the service log (never the code, the number or the token).
   */
  send(message: OtpMessage): Promise<SendResult>;
}
