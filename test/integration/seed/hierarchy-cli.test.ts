/** `npm run hierarchy:import -- FILE` as an operator runs it: what it writes, what it prints, and what it refuses. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HIERARCHY_CSV_COLUMNS } from '../../../src/hierarchy/import';
import { runCli } from '../../support/cli';
import { createEmptyDatabase, createTestDatabases, type TestDatabases } from '../../support/databases';

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
  await dbs.metrics.pool.query(`UPDATE officers SET region = 'Nigeria', branch = 'Unassigned', hierarchy_curated = false WHERE officer_id = '9001'`);
});

const runImport = (args: string[]) => runCli('src/cli/import-hierarchy.ts', args, { DJANGO_DATABASE_URL: dbs.djangoUrl, METRICS_DATABASE_URL: dbs.metricsUrl });

function importFile(name: string, content: Uint8Array | string) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return { file, run: () => runImport([file]), check: () => runImport(['--check', file]) };
}

/** What the command prints on stderr for a sheet whose line 3 holds "not-an-email" and whose stranger@x.ng no officer has. */
const badLineAndStranger = (file: string): string =>
  `${file}:3: column officer_email: expected an e-mail address, got "not-an-email"\n` +
  `${file}: 1 officer e-mail of the sheet matches no officer in seedsmetrics: stranger@x.ng ` +
  '(a typo in the sheet, or an officer the sync has not copied yet: the row applies when it does)\n';

const officerRow = async () => (await dbs.metrics.pool.query(`SELECT region, branch FROM officers WHERE officer_id = '9001'`)).rows;

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
      `hierarchy:import failed: ${file}: expected UTF-8 text, got bytes that are not UTF-8 on line 2 (byte 0xE9 after "ade@x.ng,,Ruby,Ad") ` +
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
    stderr: badLineAndStranger(file),
  });
  expect(await hierarchyRows()).toEqual([
    { officer_email: 'ade@x.ng', branch: 'Adé Ọ̀wọ́' },
    { officer_email: 'stranger@x.ng', branch: 'EPE' },
  ]);
  expect(await officerRow()).toEqual([{ region: 'Ruby', branch: 'Adé Ọ̀wọ́' }]);
});

it('--check reports what an import would do and writes nothing; it exits 1 when a line would be rejected', async () => {
  const { file, check } = importFile('check.csv', `${HEADER}\nade@x.ng,,Opal,OJO,,,,\nnot-an-email,,Ruby,YABA,,,,\nstranger@x.ng,,Jade,EPE,,,,\n`);
  expect(await check()).toEqual({
    code: 1,
    stdout: 'would import 2 officers and reject 1 line; nothing was written\n',
    stderr: badLineAndStranger(file),
  });
  expect(await hierarchyRows()).toEqual([]);
  expect(await officerRow()).toEqual([{ region: 'Nigeria', branch: 'Unassigned' }]);

  const clean = importFile('clean.csv', `${HEADER}\nade@x.ng,,Opal,OJO,,,,\n`);
  expect(await clean.check()).toEqual({ code: 0, stdout: 'would import 1 officer and reject 0 lines; nothing was written\n', stderr: '' });
  expect(await hierarchyRows()).toEqual([]);
});

it('--check against a seedsmetrics database never migrated checks the lines, says why it matched no e-mail, and creates nothing', async () => {
  const empty = await createEmptyDatabase('hierarchy_check');
  try {
    const file = path.join(dir, 'unmigrated.csv');
    fs.writeFileSync(file, `${HEADER}\nade@x.ng,,Opal,OJO,,,,\n`);
    expect(await runCli('src/cli/import-hierarchy.ts', ['--check', file], { DJANGO_DATABASE_URL: dbs.djangoUrl, METRICS_DATABASE_URL: empty.url })).toEqual({
      code: 0,
      stdout: 'would import 1 officer and reject 0 lines; nothing was written\n',
      stderr: `${file}: the sheet's e-mails were not matched to officers: seedsmetrics has no officers table yet (npm run db:migrate creates it)\n`,
    });
    expect(await empty.tableCount()).toBe(0);
  } finally {
    await empty.drop();
  }
});

it('names what it expects when the arguments are wrong, with the usage exit code 2 (1 is a failed import)', async () => {
  const usage =
    'usage: npm run hierarchy:import -- [--check] FILE (one CSV file with the columns officer_email, customer_user_id, region, branch, supervisor_email, supervisor_name, vertical_lead_email, vertical_lead_name; --check writes nothing)';
  expect(await runImport(['--check'])).toEqual({ code: 2, stdout: '', stderr: `hierarchy:import failed: ${usage}; got "--check"\n` });
  expect(await runImport(['--dry-run', 'a.csv'])).toEqual({ code: 2, stdout: '', stderr: `hierarchy:import failed: ${usage}; got "--dry-run" "a.csv"\n` });
  expect(await runImport([])).toEqual({ code: 2, stdout: '', stderr: `hierarchy:import failed: ${usage}; got no arguments\n` });
});
