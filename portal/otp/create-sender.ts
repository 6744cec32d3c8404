import type { Config } from '../../core/config.js';
import { createConsoleSender } from './console-sender.js';
import type { OtpSender } from './sender.js';
import { createWebhookSender } from './webhook-sender.js';

/**
 * The sender configuration asks for: OTP_SENDER=webhook posts to OTP_WEBHOOK_URL with
 * OTP_WEBHOOK_TOKEN and OTP_WEBHOOK_TEMPLATE; OTP_SENDER=console (the default, for development and
 * the demo) prints codes on standard error for the developer and sends nothing.
 */
export function createOtpSender(
  otp: Config['otp'],
  options: { consoleOut?: NodeJS.WritableStream; webhookTimeoutMs?: number } = {},
): OtpSender {
  if (otp.sender === 'webhook') {
    // loadConfig already refuses OTP_SENDER=webhook without OTP_WEBHOOK_URL.
    return createWebhookSender({
      url: otp.webhookUrl!,
      token: otp.webhookToken,
      template: otp.webhookTemplate,
      timeoutMs: options.webhookTimeoutMs,
    });
  }
  return createConsoleSender({ out: options.consoleOut });
}

/** The start-up line about the sender, without secrets; a warning for the console sender, which reaches nobody. */
export function describeOtpSender(sender: OtpSender): { level: 'info' | 'warn'; message: string } {
  if (sender.kind === 'console') {
    return {
      level: 'warn',
      message: 'OTP_SENDER=console: one-time codes are printed on standard error for developers and sent to nobody; set OTP_SENDER=webhook for citizens',
    };
  }
  return { level: 'info', message: `one-time codes are sent through the ${sender.kind} sender` };
}
