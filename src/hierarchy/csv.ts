/**
 * A small RFC 4180 CSV reader for spreadsheet exports: quoted fields (with commas, doubled quotes and line breaks
 * inside), LF / CRLF / CR line ends, a leading UTF-8 byte-order mark, blank lines skipped. A malformed record is
 * reported with its line number and the reader carries on with the next line (the next physical line, when the
 * record's quote ran over line breaks before it failed).
 */

export interface CsvRecord {
  /** 1-based line on which the record starts. */
  line: number;
  fields: string[];
}

export interface CsvProblem {
  line: number;
  reason: string;
}

export interface CsvParseResult {
  records: CsvRecord[];
  problems: CsvProblem[];
}

export function parseCsv(text: string): CsvParseResult {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  let pos = 0;
  let line = 1;
  const n = input.length;

  /** Consumes a line break at pos (CRLF, LF or CR); returns whether there was one. */
  const lineBreak = (): boolean => {
    const c = input[pos];
    if (c === '\r') {
      pos += input[pos + 1] === '\n' ? 2 : 1;
      line += 1;
      return true;
    }
    if (c === '\n') {
      pos += 1;
      line += 1;
      return true;
    }
    return false;
  };
  /** After an error: drop the rest of the physical line. */
  const skipLine = (): void => {
    while (pos < n && input[pos] !== '\n' && input[pos] !== '\r') pos += 1;
    lineBreak();
  };

  while (pos < n) {
    const startLine = line;
    const recordStart = pos;
    if (lineBreak()) continue; // blank line
    const fields: string[] = [];
    let problem: string | undefined;
    for (;;) {
      let value = '';
      if (input[pos] === '"') {
        pos += 1;
        let closed = false;
        while (pos < n) {
          const c = input[pos];
          if (c === '"') {
            if (input[pos + 1] === '"') {
              value += '"';
              pos += 2;
              continue;
            }
            pos += 1;
            closed = true;
            break;
          }
          if (c === '\r' || c === '\n') {
            // A line break inside quotes belongs to the value; normalise it to \n.
            lineBreak();
            value += '\n';
            continue;
          }
          value += c;
          pos += 1;
        }
        if (!closed) {
          problem = `field ${fields.length + 1} opens a quote that is never closed`;
          break;
        }
        if (pos < n && input[pos] !== ',' && input[pos] !== '\r' && input[pos] !== '\n') {
          problem = `field ${fields.length + 1}: expected a comma or the end of the line after the closing quote, got ${JSON.stringify(input[pos])}`;
          break;
        }
      } else {
        const start = pos;
        while (pos < n && input[pos] !== ',' && input[pos] !== '\r' && input[pos] !== '\n') {
          if (input[pos] === '"') {
            problem = `field ${fields.length + 1}: a quote inside an unquoted value (quote the whole field and double the quote)`;
            break;
          }
          pos += 1;
        }
        if (problem) break;
        value = input.slice(start, pos);
      }
      fields.push(value);
      if (pos < n && input[pos] === ',') {
        pos += 1;
        continue;
      }
      break;
    }
    if (problem) {
      if (line > startLine) {
        // A quote that ran over line breaks and then failed was most likely never meant to: report its line alone and
        // read on from the next one, rather than swallow every line up to the next quote unreported.
        const [failedAt, failedLine] = [pos, line];
        pos = recordStart;
        line = startLine;
        skipLine();
        if (input.slice(pos, failedAt).trim() === '') {
          [pos, line] = [failedAt, failedLine]; // only blank lines ran on: nothing to read again
          problems.push({ line: startLine, reason: problem });
          skipLine();
          continue;
        }
        const over = failedLine === startLine + 1 ? `line ${failedLine}` : `lines ${startLine + 1}–${failedLine}`;
        problems.push({ line: startLine, reason: `${problem} (its quote runs on over ${over}: this line is reported alone and those read on their own)` });
        continue;
      }
      problems.push({ line: startLine, reason: problem });
      skipLine();
      continue;
    }
    lineBreak();
    records.push({ line: startLine, fields });
  }
  return { records, problems };
}
