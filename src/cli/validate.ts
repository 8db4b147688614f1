/**
 * `npm run validate [-- --wait-ms N | --no-wait]`: compares seedsmetrics with Django and with a from-scratch
 * recompute (rolled back), prints every mismatch on its own line and exits 1 if there is any, 0 otherwise. While a
 * sync worker runs, a mismatch against Django may be a row it has not copied yet: the command then waits (up to
 * N ms, default 120000) for the worker's next look for edits and reports only what is still there.
 */
import { ConfigError } from '../config';
import { createLogger } from '../logger';
import { openCliDatabases } from '../sync/cli-databases';
import { formatMismatch, validate, validateSettled, type Mismatch, type SettledValidation } from '../sync/validate';
import { loadConfigOrExit } from './config-or-exit';
import { exitOnInterrupt } from './interrupt';
import { USAGE_EXIT_CODE } from './usage';

const USAGE = 'usage: npm run validate [-- --wait-ms <milliseconds> | --no-wait]';
const DEFAULT_WAIT_MS = 120_000;

/** The wait for the sync worker, or null for none (--no-wait); a string is the refusal to print. */
function parseWait(args: readonly string[]): number | null | string {
  if (args.length === 0) return DEFAULT_WAIT_MS;
  if (args.length === 1 && args[0] === '--no-wait') return null;
  if (args.length === 2 && args[0] === '--wait-ms') {
    const value = Number(args[1]);
    if (/^\d+$/.test(args[1]!) && Number.isSafeInteger(value)) return value;
    return `--wait-ms must be a whole number of milliseconds; got ${JSON.stringify(args[1])}; ${USAGE}`;
  }
  return `unknown arguments ${args.join(' ')}; ${USAGE}`;
}

/** What the wait for the sync worker came to, for the operator; null when there is nothing to say. */
function syncNote(result: SettledValidation, waitMs: number): string | null {
  switch (result.sync) {
    case 'caught up':
      return result.inFlight.length === 0
        ? null
        : `validate: ${result.inFlight.length} more difference(s) from Django were rows the sync had not copied yet; it has copied them since`;
    case 'not running':
      return 'validate: no sync worker is running, so differences from Django may be rows not copied yet (`npm run sync -- --once` copies them)';
    case 'timed out':
      return `validate: the sync worker did not look for edits within ${waitMs} ms, so differences from Django may be rows not copied yet`;
    case 'not needed':
      return null;
  }
}

/** The last line: how many mismatches, and how many per check (a long list is read from its end first). */
function summary(mismatches: readonly Mismatch[]): string {
  if (mismatches.length === 0) return 'validate: no mismatches';
  const perCheck = new Map<string, number>();
  for (const m of mismatches) perCheck.set(m.check, (perCheck.get(m.check) ?? 0) + 1);
  return `validate: ${mismatches.length} mismatch(es): ${[...perCheck].map(([check, n]) => `${check} ${n}`).join(', ')}`;
}

async function main(): Promise<number> {
  const wait = parseWait(process.argv.slice(2));
  if (typeof wait === 'string') {
    process.stderr.write(`${wait}\n`);
    return USAGE_EXIT_CODE;
  }
  exitOnInterrupt('validate');
  const config = loadConfigOrExit(process.env);
  const log = createLogger(config.logLevel).child({ component: 'validate' });
  const dbs = await openCliDatabases(config, log);
  try {
    const options = { djangoPool: dbs.django.pool, metricsPool: dbs.metrics.pool, overlapMs: config.sync.overlapMs };
    const result = wait === null ? null : await validateSettled(options, { timeoutMs: wait });
    const mismatches = result?.mismatches ?? (await validate(options));
    for (const mismatch of mismatches) process.stdout.write(`${formatMismatch(mismatch)}\n`);
    const note = result === null ? null : syncNote(result, wait ?? 0);
    if (note !== null) process.stdout.write(`${note}\n`);
    process.stdout.write(`${summary(mismatches)}\n`);
    return mismatches.length === 0 ? 0 : 1;
  } finally {
    await dbs.close();
  }
}

/**
 * One line for a database or network failure (an error with a SQLSTATE or system code: a database down, a refused
 * password), which the operator acts on from its message; the stack only for anything else, a fault in validate.
 */
function failureText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return typeof (error as { code?: unknown }).code === 'string' ? error.message : (error.stack ?? error.message);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`Configuration error: ${error.message}\n`);
    else process.stderr.write(`validate failed: ${failureText(error)}\n`);
    process.exit(1);
  },
);
