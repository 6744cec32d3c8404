import type { Config } from '../core/config.js';
import type { SecretBox } from '../core/crypto.js';
import type { Db } from '../core/db/index.js';
import type { Clock } from '../core/domain/clock.js';
import type { Logger } from '../core/logger.js';

/** Everything the dashboard needs from outside: built once by the CLI (or a test) and passed in. */
export interface DashboardDeps {
  config: Config;
  db: Db;
  box: SecretBox;
  logger: Logger;
  clock: Clock;
}
