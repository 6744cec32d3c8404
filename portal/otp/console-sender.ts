import type { OtpMessage, OtpSender } from './sender.js';
import { maskPhone } from '../../core/domain/phone.js';

/**
 * The development and demo sender: nothing is sent, the code is printed for the developer.
 *
 * It writes to its OWN stream, standard error by default, never through the service's pino logger:
 * the service log (JSON on standard output) is shipped and kept, and a code must never reach it. The
 * number is printed masked; the code in clear, because reading it is this sender's whole purpose.
 */
export function createConsoleSender(options: { out?: NodeJS.WritableStream } = {}): OtpSender {
  const out = options.out ?? process.stderr;
  return {
    kind: 'console',
    async send(message: OtpMessage) {
      out.write(`[citywifi otp console sender] ${message.purpose} code for ${maskPhone(message.phone)}: ${message.code}\n`);
      return { ok: true };
    },
  };
}
