import { Option, type Command } from 'commander';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { createVoucherBatch, MAX_VOUCHER_BATCH } from '../core/db/queries/vouchers.js';
import { formatDuration, parseDuration } from '../core/domain/units.js';
import { UsageError, withContext } from './context.js';
import { formatFields, parsedBy, rethrowAsUsage, textOf, wholeNumberIn, yesNo } from './options.js';
import { renderVoucherSheet } from './voucher-sheet.js';

interface CreateOptions {
  plan: string;
  count: number;
  validFor: number;
  lockMac: boolean;
  note?: string;
  html?: string;
}

/** Opens the sheet file before any voucher exists, and never over an older sheet whose codes it would lose. */
async function openNewFile(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'wx');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`--html: ${path} already exists; choose a new file name`);
    throw new UsageError(`--html: cannot create ${path} (${code ?? String(error)})`);
  }
}

function whoRuns(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

async function createVouchers(opts: CreateOptions, sheet: FileHandle | undefined): Promise<void> {
  await withContext(async ({ db, box }) => {
    const { batchId, codes } = await createVoucherBatch(db, box, {
      planName: opts.plan,
      count: opts.count,
      validForSeconds: opts.validFor,
      lockToFirstMac: opts.lockMac,
      note: opts.note,
      createdBy: whoRuns(),
    }).catch(rethrowAsUsage);
    if (!sheet) {
      process.stdout.write(codes.join('\n') + '\n');
      return;
    }
    const html = renderVoucherSheet({
      planName: opts.plan,
      validForSeconds: opts.validFor,
      lockToFirstMac: opts.lockMac,
      codes,
      note: opts.note,
    });
    await sheet.writeFile(html);
    process.stdout.write(
      `vouchers created: ${formatFields([
        ['batch', String(batchId)],
        ['plan', opts.plan],
        ['count', String(codes.length)],
        ['valid-for', formatDuration(opts.validFor)],
        ['lock-mac', yesNo(opts.lockMac)],
        ['html', opts.html!],
      ])}\n`,
    );
  });
}

function registerCreate(vouchers: Command): void {
  vouchers
    .command('create')
    .description('create a batch of voucher codes: printed one per line, or as a printable A4 sheet of cards with --html')
    .requiredOption('--plan <name>', 'the name of an existing plan')
    .requiredOption('--count <count>', `how many codes, 1 to ${MAX_VOUCHER_BATCH}`, wholeNumberIn('--count', 1, MAX_VOUCHER_BATCH))
    .addOption(
      new Option('--valid-for <duration>', 'how long a voucher lasts from its first use: seconds, or with s, m, h or d (90m, 12h, 7d)')
        .default(86_400, '1d')
        .argParser(parsedBy('--valid-for', parseDuration)),
    )
    .option('--no-lock-mac', 'let a voucher be used from any device, not only the first one that used it')
    .option('--note <text>', 'a note kept with the batch (what it is for)', textOf('--note', 500))
    .option('--html <file>', 'write a printable A4 HTML sheet of cards (Bahasa Indonesia) to this new file instead of printing the codes')
    .action(async (opts: CreateOptions) => {
      const sheet = opts.html === undefined ? undefined : await openNewFile(opts.html);
      try {
        await createVouchers(opts, sheet);
      } catch (error) {
        if (sheet) await sheet.close().then(() => unlink(opts.html!));
        throw error;
      }
      await sheet?.close();
    });
}

export function registerVouchers(program: Command): void {
  const vouchers = program.command('vouchers').description('manage vouchers (codes citizens type on the portal)');
  registerCreate(vouchers);
}
