import type { Command } from 'commander';
import { migrateLatest, migrateRollbackAll } from '../core/db/index.js';
import { withContext } from './context.js';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply the database migrations (on DATABASE_URL, or the embedded database)')
    .option('--down', 'undo every migration (drops all citywifi tables)')
    .action(async (opts: { down?: boolean }) => {
      await withContext(async ({ db }) => {
        const names = opts.down ? await migrateRollbackAll(db) : await migrateLatest(db);
        const verb = opts.down ? 'undone' : 'applied';
        process.stdout.write(names.length ? names.map((n) => `${verb}: ${n}\n`).join('') : `nothing to do: the schema is current\n`);
      });
    });
}
