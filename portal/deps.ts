import type { Config } from '../core/config.js';
import type { SecretBox } from '../core/crypto.js';
import type { Db } from '../core/db/index.js';
import type { Clock } from '../core/domain/clock.js';
import type { Logger } from '../core/logger.js';
import type { OtpSender } from './otp/sender.js';

/** Everything the portal needs from outside: built once by the CLI (or a test) and passed in. */
export interface PortalDeps {
  config: Config;
  db: Db;
  box: SecretBox;
  logger: Logger;
  clock: Clock;
  sender: OtpSender;
}
