/**
 * Writes the curated officer hierarchy sheet (DOMAIN.md §2.4) as CSV: officer e-mail, the sheet's officer id
 * (Django customer_user_id), vertical ("region"), branch, supervisor and vertical lead. Like the real sheet it
 * covers most but not all STAFF_AGENT/AGENT officers, spells some e-mails in another letter case and lists a
 * few people who are not Django users at all.
 */
import { HIERARCHY_CSV_COLUMNS } from '../hierarchy/import';
import type { Prng } from './prng';
import { BRANCHES, FIRST_NAMES, LAST_NAMES, VERTICALS, type Branch } from './reference-data';
import type { UserRow } from './rows';

interface Person {
  name: string;
  email: string;
}

/** Quotes a CSV field when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function buildHierarchyCsv(prng: Prng, scale: number, officers: ReadonlyArray<{ user: UserRow; branch: Branch | null }>): string {
  let personSeq = 0;
  const person = (): Person => {
    const first = prng.pick(FIRST_NAMES);
    const last = prng.pick(LAST_NAMES);
    personSeq += 1;
    // Some supervisors are written "SURNAME, First" in the sheet: the comma forces CSV quoting.
    const name = prng.chance(0.15) ? `${last.toUpperCase()}, ${first}` : `${first} ${last}`;
    return { name, email: `${first}.${last}.s${personSeq}@seedsfinance.ng`.toLowerCase() };
  };
  const leads = new Map<string, Person>();
  const supervisors = new Map<string, Person[]>();
  for (const vertical of VERTICALS) {
    leads.set(vertical, person());
    supervisors.set(vertical, [person(), person(), person()]);
  }

  const rows: string[][] = [];
  const rowFor = (email: string, customerUserId: string, branch: Branch): string[] => {
    const supervisor = prng.pick(supervisors.get(branch.vertical)!);
    const lead = leads.get(branch.vertical)!;
    return [email, customerUserId, branch.vertical, branch.name, supervisor.email, supervisor.name, lead.email, lead.name];
  };
  let caseVariants = 0;
  for (const { user, branch } of officers) {
    if (!prng.chance(0.915)) continue;
    let email = user.email;
    const roll = prng.next();
    // Keep at least one differently-cased e-mail even in a tiny sheet: the importer must match case-insensitively.
    const lastChance = caseVariants === 0 && rows.length === Math.min(officers.length, 3) - 1;
    if (roll < 0.03 || lastChance) email = email.toUpperCase();
    else if (roll < 0.06) email = email.replace(/(^|\.)([a-z])/g, (_m, dot: string, c: string) => dot + c.toUpperCase());
    if (email !== user.email) caseVariants += 1;
    rows.push(rowFor(email, user.customerUserId === null ? '' : String(user.customerUserId), branch ?? prng.pick(BRANCHES)));
  }
  const strangers = Math.max(1, Math.round(8 * scale));
  for (let i = 0; i < strangers; i += 1) {
    const first = prng.pick(FIRST_NAMES);
    const last = prng.pick(LAST_NAMES);
    rows.push(rowFor(`${first}.${last}.former${i + 1}@seedsfinance.ng`.toLowerCase(), String(900_000 + i), prng.pick(BRANCHES)));
  }
  const key = (r: string[]): string => `${r[2]}\u0000${r[3]}\u0000${r[0].toLowerCase()}`;
  rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return [HIERARCHY_CSV_COLUMNS.join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\n') + '\n';
}
