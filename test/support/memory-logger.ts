/** A real pino logger writing into memory, so tests can count what an operator would read. */
export function memoryLogger(): { log: import('../../src/logger').Logger; lines: Array<Record<string, unknown>> } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pino = require('pino') as typeof import('pino');
  const lines: Array<Record<string, unknown>> = [];
  const stream = { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) };
  return { log: pino.default({ level: 'debug' }, stream), lines };
}
