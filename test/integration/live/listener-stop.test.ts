/**
 * A stopped listener says nothing more about the connection it ended: a database that went away (the embedded
 * PostgreSQL killed) resets the socket after the end, and that error was logged after the gateway's "stopped" line.
 */
import { PgListener } from '../../../src/events/pg-listener';
import { createTestDatabases, type TestDatabases } from '../../support/databases';
import { memoryLogger } from '../../support/memory-logger';

let dbs: TestDatabases;
beforeAll(async () => {
  dbs = await createTestDatabases();
});
afterAll(async () => {
  await dbs?.drop();
});

test('an error of its connection is logged while the listener runs, and not once it has stopped', async () => {
  const { log, lines } = memoryLogger();
  const listener = new PgListener({ url: dbs.metricsUrl, channels: ['dpd_transition'], log, onConnected: async () => undefined, onNotification: () => undefined });
  await listener.start();
  const client = listener.current()!;
  client.emit('error', new Error('read ECONNRESET'));
  const errorLines = (): unknown[] => lines.filter((line) => line.msg === 'LISTEN connection error').map((line) => (line.err as { message: string }).message);
  expect(errorLines()).toEqual(['read ECONNRESET']);

  await listener.stop();
  client.emit('error', new Error('read ECONNRESET after the end'));
  expect(errorLines()).toEqual(['read ECONNRESET']);
});
