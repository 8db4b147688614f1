import { HIERARCHY_CSV_COLUMNS, validateHierarchyCsv } from '../../../src/hierarchy/import';

const HEADER = HIERARCHY_CSV_COLUMNS.join(',');

describe('validateHierarchyCsv', () => {
  it('lower-cases e-mails, trims values and turns empty optional cells into null', () => {
    const csv = `${HEADER}\r\n Ada.Obi@SeedsFinance.ng ,1234,Ruby,YABA,Sup.One@seedsfinance.ng,"OBI, Sup",Lead@seedsfinance.ng,Lead One\r\nb@x.ng,,Key Accounts 1,EPE,,,,\r\n`;
    expect(validateHierarchyCsv(csv)).toEqual({
      rows: [
        { officerEmail: 'ada.obi@seedsfinance.ng', customerUserId: '1234', region: 'Ruby', branch: 'YABA', supervisorEmail: 'sup.one@seedsfinance.ng', supervisorName: 'OBI, Sup', verticalLeadEmail: 'lead@seedsfinance.ng', verticalLeadName: 'Lead One' },
        { officerEmail: 'b@x.ng', customerUserId: null, region: 'Key Accounts 1', branch: 'EPE', supervisorEmail: null, supervisorName: null, verticalLeadEmail: null, verticalLeadName: null },
      ],
      rejected: [],
    });
  });

  it('accepts the columns in any order', () => {
    const csv = 'region,branch,officer_email,customer_user_id,supervisor_email,supervisor_name,vertical_lead_email,vertical_lead_name\nJade,AGEGE,c@x.ng,,,,,\n';
    expect(validateHierarchyCsv(csv).rows.map((r) => [r.officerEmail, r.region, r.branch])).toEqual([['c@x.ng', 'Jade', 'AGEGE']]);
  });

  it('names the column, what was expected and what arrived; one bad line never stops the others', () => {
    const csv = [
      HEADER,
      'not-an-email,12,Ruby,YABA,,,,',
      'ok@x.ng,12a,,YABA,boss,,,',
      'short@x.ng,1,Ruby',
      'good@x.ng,5,Opal,OJO,,,,',
      'GOOD@x.ng,6,Opal,OJO,,,,',
    ].join('\n');
    const { rows, rejected } = validateHierarchyCsv(csv);
    expect(rows.map((r) => r.officerEmail)).toEqual(['good@x.ng']);
    expect(rejected).toEqual([
      { line: 2, reason: 'column officer_email: expected an e-mail address, got "not-an-email"' },
      {
        line: 3,
        reason:
          'column customer_user_id: expected a whole number (the Django customer_user_id) or nothing, got "12a"; column region: expected a vertical/region name, got nothing; column supervisor_email: expected an e-mail address or nothing, got "boss"',
      },
      { line: 4, reason: `expected 8 fields (${HIERARCHY_CSV_COLUMNS.join(', ')}), got 3; missing branch, supervisor_email, supervisor_name, vertical_lead_email, vertical_lead_name` },
      { line: 6, reason: 'column officer_email: expected each officer once, got "GOOD@x.ng" again (first on line 5; e-mails are compared in lower case)' },
    ]);
  });

  it('rejects every line when the header lacks a column', () => {
    const csv = 'officer_email,region,branch\na@x.ng,Ruby,YABA\n';
    expect(validateHierarchyCsv(csv)).toEqual({
      rows: [],
      rejected: [
        {
          line: 1,
          reason:
            'header: missing columns customer_user_id, supervisor_email, supervisor_name, vertical_lead_email, vertical_lead_name; expected officer_email, customer_user_id, region, branch, supervisor_email, supervisor_name, vertical_lead_email, vertical_lead_name, got "officer_email", "region", "branch"',
        },
        { line: 2, reason: 'not imported: the header is invalid' },
      ],
    });
  });

  it('rejects a line whose cell holds a control character, naming it, and imports the rest', () => {
    const csv = `${HEADER}\na@x.ng,,Ruby,"LAGOS\nISLAND",,,,\nb@x.ng,,Ruby,YABA,,"Sue\u0000",,\nc@x.ng,,Ruby,YABA,,,,\n`;
    const { rows, rejected } = validateHierarchyCsv(csv);
    expect(rows.map((r) => r.officerEmail)).toEqual(['c@x.ng']);
    expect(rejected).toEqual([
      { line: 2, reason: 'column branch: expected text on one line without control characters, got "LAGOS\\nISLAND"' },
      { line: 4, reason: 'column supervisor_name: expected text on one line without control characters, got "Sue\\u0000"' },
    ]);
  });

  it('rejects every line when the header names a column twice', () => {
    const csv = `${HEADER},Region,branch\na@x.ng,,Ruby,YABA,,,,,Opal,OJO\n`;
    expect(validateHierarchyCsv(csv)).toEqual({
      rows: [],
      rejected: [
        { line: 1, reason: 'header: expected each column once, got region as fields 3 and 9, branch as fields 4 and 10' },
        { line: 2, reason: 'not imported: the header is invalid' },
      ],
    });
  });

  it('reports an empty file, and one with a header and no officer', () => {
    expect(validateHierarchyCsv('').rejected).toEqual([{ line: 1, reason: `header: expected the columns ${HIERARCHY_CSV_COLUMNS.join(', ')}, got an empty file` }]);
    expect(validateHierarchyCsv(`${HEADER}\r\n`)).toEqual({ rows: [], rejected: [{ line: 2, reason: 'expected a line per officer after the header, got none' }] });
  });

  it('says when a sheet is separated by semicolons', () => {
    const { rejected } = validateHierarchyCsv(`${HIERARCHY_CSV_COLUMNS.join(';')}\na@x.ng;;Ruby;YABA;;;;\n`);
    expect(rejected[0]!.reason).toMatch(/^header: missing columns officer_email, .*, got ".*" \(the file is separated by semicolons: export it as "CSV UTF-8 \(Comma delimited\)"\)$/);
  });

  it('reports CSV syntax errors with their line', () => {
    const { rows, rejected } = validateHierarchyCsv(`${HEADER}\n"a@x.ng,1,Ruby,YABA,,,,\n`);
    expect(rows).toEqual([]);
    expect(rejected).toEqual([{ line: 2, reason: 'field 1 opens a quote that is never closed' }]);
  });
});
