/** Creates the Django tables of drizzle/django/fixture.sql in a database (demo, development and tests only). */
import fs from 'node:fs';
import pg from 'pg';
import { djangoFixturePath } from './paths';

export async function applyDjangoFixture(djangoUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: djangoUrl, application_name: 'seedsmetrics-gateway/fixture' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SET client_min_messages = warning');
    await client.query(fs.readFileSync(djangoFixturePath, 'utf8'));
  } finally {
    await client.end();
  }
}
