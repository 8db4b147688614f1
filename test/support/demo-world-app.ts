/**
 * For one test file: fresh databases holding a demo world (buildDemoWorld) and the app over them, started before the
 * file's tests and stopped after them. The sync worker waits an hour between cycles by default, so what the tests
 * read is the world as built.
 */
import type { App } from '../../src/app';
import { startTestApp } from './app';
import { createTestDatabases, type TestDatabases } from './databases';
import { buildDemoWorld } from './demo-world';

export interface DemoWorldApp {
  readonly dbs: TestDatabases;
  readonly app: App;
}

export function demoWorldAppForFile(env: Record<string, string> = {}): DemoWorldApp {
  let dbs: TestDatabases | undefined;
  let app: App | undefined;
  beforeAll(async () => {
    dbs = await createTestDatabases();
    await buildDemoWorld(dbs);
    app = await startTestApp(dbs, { SYNC_INTERVAL_MS: '3600000', SYNC_MAX_LAG_MS: '86400000', ...env });
  }, 180_000);
  afterAll(async () => {
    await app?.stop();
    await dbs?.drop();
  });
  return {
    get dbs() {
      if (dbs === undefined) throw new Error('the demo world is built in beforeAll');
      return dbs;
    },
    get app() {
      if (app === undefined) throw new Error('the demo world app starts in beforeAll');
      return app;
    },
  };
}
