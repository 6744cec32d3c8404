import type { OtpMessage, OtpSender, SendResult } from './sender.js';

/**
 * A sender for tests and the browser-driven end-to-end runs: keeps every message in memory so a test
 * can read the code it would have received; `fail` makes the next sends fail like a broken gateway.
 */
export interface RecordingSender extends OtpSender {
  readonly sent: OtpMessage[];
  /** the last code sent to a number (E.164), if any */
  lastCodeFor(phone: string): string | undefined;
  fail: SendResult | undefined;
}

export function createRecordingSender(): RecordingSender {
  const sent: OtpMessage[] = [];
  const sender: RecordingSender = {
    kind: 'recording',
    sent,
    fail: undefined,
    async send(message) {
      if (sender.fail && !sender.fail.ok) return sender.fail;
      sent.push({ ...message });
      return { ok: true };
    },
    lastCodeFor(phone) {
      for (let i = sent.length - 1; i >= 0; i--) if (sent[i].phone === phone) return sent[i].code;
      return undefined;
    },
  };
  return sender;
}
