import { importHierarchyCsv, HIERARCHY_CSV_COLUMNS } from '../../../src/hierarchy/import';
import { generateDemoData } from '../../../src/seed/generate';
import { countStatements, createTestDatabases, type TestDatabases } from '../../support/databases';

const HEADER = HIERARCHY_CSV_COLUMNS.join(',');
let dbs: TestDatabases;

beforeAll(async () => {
  dbs = await createTestDatabases();
});
afterAll(async () => {
  await dbs.drop();
});

async function table(): Promise<Array<Record<string, string | null>>> {
  const { rows } = await dbs.metrics.pool.query(
    'SELECT officer_email, customer_user_id, region, branch, supervisor_email, supervisor_name, vertical_lead_email, vertical_lead_name FROM officer_hierarchy ORDER BY officer_email',
  );
  return rows;
}

describe('importHierarchyCsv', () => {
  beforeEach(async () => {
    await dbs.metrics.pool.query('DELETE FROM officer_hierarchy');
  });

  it('upserts the good lines in one statement, keyed by the lower-cased e-mail, and reports the bad ones', async () => {
    const csv = [
      HEADER,
      'Ada.Obi@SeedsFinance.ng,101,Ruby,YABA,sup@seedsfinance.ng,"OBI, Sup",lead@seedsfinance.ng,Lead One',
      'broken-email,102,Ruby,YABA,,,,',
      'bola@x.ng,,Jade,AGEGE,,,,',
    ].join('\r\n');
    const { result, counts } = await countStatements({ metrics: dbs.metrics.pool }, () => importHierarchyCsv(dbs.metrics.pool, csv));
    expect(result).toEqual({ imported: 2, officerEmails: ['ada.obi@seedsfinance.ng', 'bola@x.ng'], rejected: [{ line: 3, reason: 'column officer_email: expected an e-mail address, got "broken-email"' }] });
    expect(counts.metrics).toBe(1);
    expect(await table()).toEqual([
      { officer_email: 'ada.obi@seedsfinance.ng', customer_user_id: '101', region: 'Ruby', branch: 'YABA', supervisor_email: 'sup@seedsfinance.ng', supervisor_name: 'OBI, Sup', vertical_lead_email: 'lead@seedsfinance.ng', vertical_lead_name: 'Lead One' },
      { officer_email: 'bola@x.ng', customer_user_id: null, region: 'Jade', branch: 'AGEGE', supervisor_email: null, supervisor_name: null, vertical_lead_email: null, vertical_lead_name: null },
    ]);
  });

  it('updates an officer when the sheet spells the e-mail in another case, and moves imported_at', async () => {
    await importHierarchyCsv(dbs.metrics.pool, `${HEADER}\nada@x.ng,1,Ruby,YABA,,,,\n`);
    const before = (await dbs.metrics.pool.query<{ at: Date }>('SELECT imported_at AS at FROM officer_hierarchy')).rows[0].at;
    const result = await importHierarchyCsv(dbs.metrics.pool, `${HEADER}\nADA@X.NG,1,Opal,OJO,,,,\n`);
    expect(result).toEqual({ imported: 1, officerEmails: ['ada@x.ng'], rejected: [] });
    const rows = await table();
    expect(rows.map((r) => [r.officer_email, r.region, r.branch])).toEqual([['ada@x.ng', 'Opal', 'OJO']]);
    const after = (await dbs.metrics.pool.query<{ at: Date }>('SELECT imported_at AS at FROM officer_hierarchy')).rows[0].at;
    expect(after.getTime()).toBeGreaterThanOrEqual(before.getTime());
  });

  it('writes nothing when the header is wrong', async () => {
    const result = await importHierarchyCsv(dbs.metrics.pool, 'email,region\na@x.ng,Ruby\n');
    expect(result.imported).toBe(0);
    expect(result.rejected.map((r) => r.line)).toEqual([1, 2]);
    expect(result.rejected[0].reason).toMatch(/^header: missing columns officer_email, customer_user_id, branch, supervisor_email/);
    expect(await table()).toEqual([]);
  });

  it('imports the generated demo sheet completely; all but the strangers match Django officers by e-mail', async () => {
    const dataset = generateDemoData({ scale: 0.05, seed: 42, asOf: '2025-11-20' });
    const result = await importHierarchyCsv(dbs.metrics.pool, dataset.hierarchyCsv);
    const lines = dataset.hierarchyCsv.trimEnd().split('\n').length - 1;
    expect(result).toMatchObject({ imported: lines, rejected: [] });
    const emails = new Set(dataset.users.map((u) => u.email));
    const rows = await table();
    const unmatched = rows.filter((r) => !emails.has(r.officer_email!));
    expect(unmatched.length).toBe(1); // 8 × 0.05, at least one
    expect(rows.every((r) => r.officer_email === r.officer_email!.toLowerCase())).toBe(true);
    expect(new Set(rows.map((r) => r.region)).size).toBeGreaterThanOrEqual(8);
  });
});
