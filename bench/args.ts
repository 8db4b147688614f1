/**
 * Command-line flags of the bench commands: each flag either takes a value, read and checked by one of the
 * readers below (the error names the flag, what it must be and what arrived), or is a switch.
 */
import { DEMO_SCALE_MAX, DEMO_SCALE_MIN, DEMO_SEED_MAX } from '../src/seed/limits';

export interface Flags<T> {
  /** Flags followed by a value: each sets its field of the arguments from it. */
  values: Record<string, (args: T, value: string) => void>;
  /** Flags on their own. */
  switches: Record<string, (args: T) => void>;
}

/** Applies each flag of argv in turn; an unknown flag or a missing value is an error that quotes the usage. */
export function parseFlags<T>(argv: readonly string[], args: T, flags: Flags<T>, usage: string): T {
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i]!;
    if (Object.hasOwn(flags.switches, flag)) {
      flags.switches[flag]!(args);
    } else if (Object.hasOwn(flags.values, flag)) {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${flag} needs a value; ${usage}`);
      flags.values[flag]!(args, value);
    } else {
      throw new Error(`unknown argument ${JSON.stringify(flag)}; ${usage}`);
    }
  }
  return args;
}

/** What every bench command is told about its dataset, its PostgreSQL port and its result files' tag. */
export interface DatasetArgs {
  scale: number;
  seed: number;
  asOf: string;
  pgPort: number;
  tag: string | undefined;
}

/** The flags of DatasetArgs, shared by the bench commands. */
export function datasetFlags<T extends DatasetArgs>(): Flags<T>['values'] {
  return {
    '--scale': (a, v) => (a.scale = demoScale('--scale', v)),
    '--seed': (a, v) => (a.seed = demoSeed('--seed', v)),
    '--as-of': (a, v) => (a.asOf = isoDate('--as-of', v)),
    '--pg-port': (a, v) => (a.pgPort = port('--pg-port', v)),
    '--tag': (a, v) => (a.tag = tag('--tag', v)),
  };
}

/** A scale the demo generator takes (src/seed/limits.ts), refused here rather than once the bench's PostgreSQL is up. */
function demoScale(flag: string, value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) < DEMO_SCALE_MIN || Number(value) > DEMO_SCALE_MAX) {
    throw new Error(`${flag} must be a number from ${DEMO_SCALE_MIN} to ${DEMO_SCALE_MAX} such as 1 or 10; got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

function demoSeed(flag: string, value: string): number {
  const seed = wholeNumber(flag, value, 0);
  if (seed > DEMO_SEED_MAX) throw new Error(`${flag} must be a whole number from 0 to ${DEMO_SEED_MAX}; got ${JSON.stringify(value)}`);
  return seed;
}

export function wholeNumber(flag: string, value: string, min: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new Error(`${flag} must be a whole number of at least ${min}; got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

export function isoDate(flag: string, value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new Error(`${flag} must be a date YYYY-MM-DD; got ${JSON.stringify(value)}`);
  return value;
}

export function port(flag: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1024 || Number(value) > 65535) throw new Error(`${flag} must be a port from 1024 to 65535; got ${JSON.stringify(value)}`);
  return Number(value);
}

export function tag(flag: string, value: string): string {
  if (!/^[a-z0-9-]+$/.test(value)) throw new Error(`${flag} must be lower-case letters, digits and dashes; got ${JSON.stringify(value)}`);
  return value;
}
