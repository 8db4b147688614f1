/** The process logger (pino, JSON lines on stdout); modules take a child logger instead of writing to the console. */
import pino from 'pino';
import type { LogLevel } from './config';

export type Logger = pino.Logger;

/**
 * Writes to stdout unless given another destination (the tests' memory). An error's cause is logged as a nested
 * `err.cause`, with its own message, code and stack, rather than appended to the error's message: the sync's step
 * errors already name their cause ("reconciling: <cause>"), which pino's default serializer repeated.
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'seedsmetrics-gateway' },
      serializers: { err: pino.stdSerializers.errWithCause },
    },
    destination,
  );
}

/** A logger that drops everything (tests that do not assert on logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
