/**
 * Imports the curated officer hierarchy sheet (CSV) into seedsmetrics `officer_hierarchy` (DOMAIN.md D12):
 * every row is validated on its own, bad rows are reported with their line and reason and never stop the
 * others, good rows are upserted in one statement keyed by the lower-cased officer e-mail.
 */
import type pg from 'pg';
import { parseCsv } from './csv';

export const HIERARCHY_CSV_COLUMNS = ['officer_email', 'customer_user_id', 'region', 'branch', 'supervisor_email', 'supervisor_name', 'vertical_lead_email', 'vertical_lead_name'] as const;
type Column = (typeof HIERARCHY_CSV_COLUMNS)[number];

export interface HierarchyRow {
  officerEmail: string;
  customerUserId: string | null;
  region: string;
  branch: string;
  supervisorEmail: string | null;
  supervisorName: string | null;
  verticalLeadEmail: string | null;
  verticalLeadName: string | null;
}

export interface RejectedLine {
  line: number;
  reason: string;
}

export interface HierarchyImportResult {
  imported: number;
  /** The imported officers' e-mails, lower case, in sheet order. */
  officerEmails: string[];
  rejected: RejectedLine[];
}

/** C0 controls and DEL: a NUL cannot be stored at all, and a line break inside a quoted cell splits a branch name. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const EMAIL = /^[^\s@,;"]+@[^\s@,;"]+\.[^\s@,;"]+$/;
const show = (value: string): string => (value === '' ? 'nothing' : JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value));

type Check = (value: string) => string | undefined;
const required = (what: string, max: number): Check => (v) => (v === '' ? `expected ${what}, got nothing` : v.length > max ? `expected at most ${max} characters, got ${v.length}` : undefined);
const optionalText = (max: number): Check => (v) => (v.length > max ? `expected at most ${max} characters, got ${v.length}` : undefined);
const email = (optional: boolean): Check => (v) => {
  if (v === '') return optional ? undefined : 'expected an e-mail address, got nothing';
  if (v.length > 255) return `expected at most 255 characters, got ${v.length}`;
  return EMAIL.test(v) ? undefined : `expected an e-mail address${optional ? ' or nothing' : ''}, got ${show(v)}`;
};

const CHECKS: Record<Column, Check> = {
  officer_email: email(false),
  customer_user_id: (v) => (v === '' || /^\d{1,50}$/.test(v) ? undefined : `expected a whole number (the Django customer_user_id) or nothing, got ${show(v)}`),
  region: required('a vertical/region name', 100),
  branch: required('a branch name', 100),
  supervisor_email: email(true),
  supervisor_name: optionalText(255),
  vertical_lead_email: email(true),
  vertical_lead_name: optionalText(255),
};

/** Validates the sheet: the rows to upsert plus one entry per bad line. Pure (no database). */
export function validateHierarchyCsv(csvText: string): { rows: HierarchyRow[]; rejected: RejectedLine[] } {
  const { records, problems } = parseCsv(csvText);
  const rejected: RejectedLine[] = problems.map((p) => ({ line: p.line, reason: p.reason }));
  const rows: HierarchyRow[] = [];
  if (records.length === 0) {
    rejected.push({ line: 1, reason: `header: expected the columns ${HIERARCHY_CSV_COLUMNS.join(', ')}, got an empty file` });
    return { rows, rejected: sortByLine(rejected) };
  }
  const [header, ...data] = records;
  const names = header.fields.map((name) => name.trim().toLowerCase());
  const headerProblem = checkHeader(names, header.fields);
  if (headerProblem !== undefined) {
    rejected.push({ line: header.line, reason: `header: ${headerProblem}` });
    // Without a header that names each column once no line can be read safely.
    for (const record of data) rejected.push({ line: record.line, reason: 'not imported: the header is invalid' });
    return { rows, rejected: sortByLine(rejected) };
  }
  if (data.length === 0 && problems.length === 0) {
    rejected.push({ line: header.line + 1, reason: 'expected a line per officer after the header, got none' });
    return { rows, rejected };
  }
  const index = Object.fromEntries(HIERARCHY_CSV_COLUMNS.map((column) => [column, names.indexOf(column)])) as Record<Column, number>;
  const seen = new Map<string, number>();
  for (const record of data) {
    if (record.fields.length !== names.length) {
      const absent = record.fields.length < names.length ? `; missing ${names.slice(record.fields.length).join(', ')}` : '';
      rejected.push({ line: record.line, reason: `expected ${names.length} fields (${names.join(', ')}), got ${record.fields.length}${absent}` });
      continue;
    }
    const value = (column: Column): string => record.fields[index[column]].trim();
    const errors: string[] = [];
    for (const column of HIERARCHY_CSV_COLUMNS) {
      const error = CONTROL_CHARACTER.test(value(column)) ? `expected text on one line without control characters, got ${show(value(column))}` : CHECKS[column](value(column));
      if (error !== undefined) errors.push(`column ${column}: ${error}`);
    }
    const key = value('officer_email').toLowerCase();
    if (errors.length === 0 && seen.has(key)) {
      errors.push(`column officer_email: expected each officer once, got ${show(value('officer_email'))} again (first on line ${seen.get(key)}; e-mails are compared in lower case)`);
    }
    if (errors.length > 0) {
      rejected.push({ line: record.line, reason: errors.join('; ') });
      continue;
    }
    seen.set(key, record.line);
    const orNull = (column: Column): string | null => (value(column) === '' ? null : value(column));
    rows.push({
      officerEmail: key,
      customerUserId: orNull('customer_user_id'),
      region: value('region'),
      branch: value('branch'),
      supervisorEmail: orNull('supervisor_email')?.toLowerCase() ?? null,
      supervisorName: orNull('supervisor_name'),
      verticalLeadEmail: orNull('vertical_lead_email')?.toLowerCase() ?? null,
      verticalLeadName: orNull('vertical_lead_name'),
    });
  }
  return { rows, rejected: sortByLine(rejected) };
}

/** Why the header cannot be read (a column missing, or named twice), or undefined. */
function checkHeader(names: readonly string[], fields: readonly string[]): string | undefined {
  const got = `got ${fields.map((f) => JSON.stringify(f)).join(', ')}`;
  const missing = HIERARCHY_CSV_COLUMNS.filter((column) => !names.includes(column));
  // Excel in some locales exports "CSV" with semicolons: one field holding every column name.
  const semicolons = fields.length === 1 && HIERARCHY_CSV_COLUMNS.filter((column) => fields[0]!.toLowerCase().split(';').map((f) => f.trim()).includes(column)).length > 1;
  const hint = semicolons ? ' (the file is separated by semicolons: export it as "CSV UTF-8 (Comma delimited)")' : '';
  if (missing.length > 0) return `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; expected ${HIERARCHY_CSV_COLUMNS.join(', ')}, ${got}${hint}`;
  const twice = HIERARCHY_CSV_COLUMNS.filter((column) => names.indexOf(column) !== names.lastIndexOf(column));
  if (twice.length > 0) {
    const positions = (column: string): string => names.flatMap((name, i) => (name === column ? [String(i + 1)] : [])).join(' and ');
    return `expected each column once, got ${twice.map((column) => `${column} as fields ${positions(column)}`).join(', ')}`;
  }
  return undefined;
}

function sortByLine(rejected: RejectedLine[]): RejectedLine[] {
  return rejected.sort((a, b) => a.line - b.line);
}

/** Upserts the valid rows (one statement); returns how many were written and why the others were not. */
export async function importHierarchyCsv(metricsPool: pg.Pool, csvText: string): Promise<HierarchyImportResult> {
  const { rows, rejected } = validateHierarchyCsv(csvText);
  if (rows.length > 0) {
    const column = <K extends keyof HierarchyRow>(key: K): Array<HierarchyRow[K]> => rows.map((row) => row[key]);
    await metricsPool.query(
      `INSERT INTO officer_hierarchy (officer_email, customer_user_id, region, branch, supervisor_email, supervisor_name, vertical_lead_email, vertical_lead_name, imported_at)
       SELECT e, c, r, b, se, sn, ve, vn, now()
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS t(e, c, r, b, se, sn, ve, vn)
       ON CONFLICT (officer_email) DO UPDATE SET
         customer_user_id = EXCLUDED.customer_user_id, region = EXCLUDED.region, branch = EXCLUDED.branch,
         supervisor_email = EXCLUDED.supervisor_email, supervisor_name = EXCLUDED.supervisor_name,
         vertical_lead_email = EXCLUDED.vertical_lead_email, vertical_lead_name = EXCLUDED.vertical_lead_name,
         imported_at = EXCLUDED.imported_at`,
      [column('officerEmail'), column('customerUserId'), column('region'), column('branch'), column('supervisorEmail'), column('supervisorName'), column('verticalLeadEmail'), column('verticalLeadName')],
    );
  }
  return { imported: rows.length, officerEmails: rows.map((row) => row.officerEmail), rejected };
}
