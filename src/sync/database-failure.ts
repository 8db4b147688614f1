/** How the sync tells a database error caused by the rows it was given from any other failure, and words one. */

/** SQLSTATE classes 22 (data exception) and 23 (integrity violation): the row is at fault, not the system. */
export function isRowError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

/** The error's message with, for a database error, its SQLSTATE and detail. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, detail } = error as { code?: unknown; detail?: unknown };
  if (typeof code !== 'string') return error.message;
  return `${error.message} (SQLSTATE ${code}${typeof detail === 'string' && detail !== '' ? `: ${detail}` : ''})`;
}
