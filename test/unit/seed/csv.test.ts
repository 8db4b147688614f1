import { parseCsv } from '../../../src/hierarchy/csv';

describe('parseCsv', () => {
  it('reads plain records with their line numbers', () => {
    expect(parseCsv('a,b,c\n1,2,3\n')).toEqual({
      records: [
        { line: 1, fields: ['a', 'b', 'c'] },
        { line: 2, fields: ['1', '2', '3'] },
      ],
      problems: [],
    });
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields', () => {
    const { records, problems } = parseCsv('name,note\n"OKAFOR, Chinedu","said ""hi"""\n"two\r\nlines",x\nlast,y');
    expect(problems).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['name', 'note'] },
      { line: 2, fields: ['OKAFOR, Chinedu', 'said "hi"'] },
      { line: 3, fields: ['two\nlines', 'x'] },
      { line: 5, fields: ['last', 'y'] },
    ]);
  });

  it('accepts CRLF and lone CR line ends and strips a UTF-8 byte-order mark', () => {
    const { records } = parseCsv('\uFEFFofficer_email,region\r\na@x.ng,Ruby\r\nb@x.ng,Jade\rc@x.ng,Opal\r\n');
    expect(records.map((r) => r.fields)).toEqual([
      ['officer_email', 'region'],
      ['a@x.ng', 'Ruby'],
      ['b@x.ng', 'Jade'],
      ['c@x.ng', 'Opal'],
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 4]);
  });

  it('skips blank lines but keeps counting them', () => {
    const { records } = parseCsv('a\n\n\nb\n');
    expect(records).toEqual([
      { line: 1, fields: ['a'] },
      { line: 4, fields: ['b'] },
    ]);
  });

  it('returns short records as they are (the importer reports the missing columns)', () => {
    expect(parseCsv('a,b,c\n1,2\n1,2,\n').records).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '2'] },
      { line: 3, fields: ['1', '2', ''] },
    ]);
  });

  it('reports a malformed line and carries on with the next one', () => {
    const { records, problems } = parseCsv('a,b\nx"y,1\n"closed"junk,2\nok,3\n"never closed,4');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 4, fields: ['ok', '3'] },
    ]);
    expect(problems).toEqual([
      { line: 2, reason: 'field 1: a quote inside an unquoted value (quote the whole field and double the quote)' },
      { line: 3, reason: 'field 1: expected a comma or the end of the line after the closing quote, got "j"' },
      { line: 5, reason: 'field 1 opens a quote that is never closed' },
    ]);
  });

  it('reports a quote left open alone and reads the lines after it, which it used to swallow up to the next quote', () => {
    const { records, problems } = parseCsv('email,name\n"a@x.ng,Ada\nb@x.ng,Bayo\nc@x.ng,Chidi\nd@x.ng,"EZE, Kunle"\n"e@x.ng,Efe');
    expect(records).toEqual([
      { line: 1, fields: ['email', 'name'] },
      { line: 3, fields: ['b@x.ng', 'Bayo'] },
      { line: 4, fields: ['c@x.ng', 'Chidi'] },
      { line: 5, fields: ['d@x.ng', 'EZE, Kunle'] },
    ]);
    expect(problems).toEqual([
      { line: 2, reason: 'field 1: expected a comma or the end of the line after the closing quote, got "E" (its quote runs on over lines 3–5: this line is reported alone and those read on their own)' },
      { line: 6, reason: 'field 1 opens a quote that is never closed' },
    ]);
  });

  it('reads an empty file as no records', () => {
    expect(parseCsv('')).toEqual({ records: [], problems: [] });
    expect(parseCsv('\uFEFF')).toEqual({ records: [], problems: [] });
  });
});
