/** The process logger writing into memory, so tests can count and read what an operator would read. */
import { createLogger, type Logger } from '../../src/logger';

export function memoryLogger(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) };
  return { log: createLogger('debug', stream), lines };
}
