/** `npm run hierarchy:import -- FILE` as an operator runs it: what it writes, what it prints, and what it refuses. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HIERARCHY_CSV_COLUMNS } from '../../../src/hierarchy/import';
import { runCli } from '../../support/cli';
import { createTestDatabases, type TestDatabases } from '../../support/databases';

const HEADER = HIERARCHY_CSV_COLUMNS.join(',');
let dbs: TestDatabases;
let dir: string;

beforeAll(async () => {
  dbs = await createTestDatabases();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hierarchy-cli-'));
  await dbs.metrics.pool.query(
    `INSERT INTO officers (officer_id, officer_name, officer_email, region, branch) VALUES ('9001', 'Ade Obi', 'Ade@X.ng', 'Nigeria', 'Unassigned')`,
  );
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await dbs?.drop();
});
beforeEach(async () => {
  await dbs.metrics.pool.query('DELETE FROM officer_hierarchy');
});

function importFile(name: string, content: Uint8Array | string) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return { file, run: () => runCli('src/cli/import-hierarchy.ts', [file], { DJANGO_DATABASE_URL: dbs.djangoUrl, METRICS_DATABASE_URL: dbs.metricsUrl }) };
}

async function hierarchyRows(): Promise<Array<{ officer_email: string; branch: string }>> {
  return (await dbs.metrics.pool.query('SELECT officer_email, branch FROM officer_hierarchy ORDER BY officer_email')).rows;
}

it('refuses a Windows-1252 sheet before connecting, naming the line and byte, and writes nothing', async () => {
  // "Adé" as Excel's plain CSV writes it: é is the single byte 0xE9, which UTF-8 decoding would turn into U+FFFD.
  const { file, run } = importFile('cp1252.csv', Buffer.concat([Buffer.from(`${HEADER}\r\nade@x.ng,,Ruby,Ad`), Buffer.from([0xe9]), Buffer.from(',,,,\r\n')]));
  expect(await run()).toEqual({
    code: 1,
    stdout: '',
    stderr:
      `import-hierarchy failed: ${file}: expected UTF-8 text, got bytes that are not UTF-8 on line 2 (byte 0xE9 after "ade@x.ng,,Ruby,Ad") ` +
      `— a Windows-1252 or Latin-1 export, as Excel's plain "CSV" writes; export the sheet as "CSV UTF-8 (Comma delimited)" and import that file; nothing was imported\n`,
  });
  expect(await hierarchyRows()).toEqual([]);
});

it('imports the good lines of a UTF-8 sheet as written, applies them, and names the rejected lines and the e-mails no officer has', async () => {
  const { file, run } = importFile(
    'sheet.csv',
    `\uFEFF${HEADER}\r\nADE@x.ng,,Ruby,Adé Ọ̀wọ́,,,,\r\nnot-an-email,,Ruby,YABA,,,,\r\nstranger@x.ng,,Jade,EPE,,,,\r\n`,
  );
  expect(await run()).toEqual({
    code: 0,
    stdout: 'imported 2 officers, rejected 1 line\napplied to 1 officer and 0 loans\n',
    stderr:
      `${file}:3: column officer_email: expected an e-mail address, got "not-an-email"\n` +
      `${file}: 1 officer e-mail of the sheet matches no officer in seedsmetrics: stranger@x.ng ` +
      '(a typo in the sheet, or an officer the sync has not copied yet: the row applies when it does)\n',
  });
  expect(await hierarchyRows()).toEqual([
    { officer_email: 'ade@x.ng', branch: 'Adé Ọ̀wọ́' },
    { officer_email: 'stranger@x.ng', branch: 'EPE' },
  ]);
  expect((await dbs.metrics.pool.query(`SELECT region, branch FROM officers WHERE officer_id = '9001'`)).rows).toEqual([{ region: 'Ruby', branch: 'Adé Ọ̀wọ́' }]);
});
