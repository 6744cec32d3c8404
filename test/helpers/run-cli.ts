import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_SECRET_KEY, testDatabaseUrl } from './test-db.js';

/** The built command-line tool, run the way an operator runs it. */
export const CLI_PATH = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `citywifi ...args` on the test database and resolves with its exit code and output, whatever the code. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_PATH, ...args],
      {
        env: { PATH: process.env.PATH, TZ: process.env.TZ, DATABASE_URL: testDatabaseUrl(), CITYWIFI_SECRET_KEY: TEST_SECRET_KEY, CITYWIFI_LOG_LEVEL: 'silent', ...env },
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The lines of an output, without the final newline. */
export function linesOf(output: string): string[] {
  const trimmed = output.replace(/\n$/, '');
  return trimmed === '' ? [] : trimmed.split('\n');
}

/** What an operator sees for a bad argument: exit 2, nothing on stdout, one `citywifi: ...` line on stderr. */
export function expectRefused(result: CliResult, reason: RegExp): void {
  expect(result.code, result.stderr).to.equal(2);
  expect(result.stdout).to.equal('');
  const lines = linesOf(result.stderr);
  expect(lines, result.stderr).to.have.length(1);
  expect(lines[0]).to.match(/^citywifi: /);
  expect(lines[0]).to.match(reason);
}
