/**
 * Arguments a command line does not take: every command line exits with USAGE_EXIT_CODE (2, as POSIX utilities do)
 * and a line naming the argument and the usage, so a script tells a mistake in its own call from a failed run (1).
 */
export const USAGE_EXIT_CODE = 2;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
