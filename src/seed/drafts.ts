/** The generator's working records: a row plus the links (officer, customer, loan) resolved into ids at the end. */
import type { Day } from './calendar';
import type { CustomerRow, LoanRow, RepaymentRow, UserRow } from './rows';
import type { Branch } from './reference-data';

export interface UserDraft {
  row: UserRow;
  branch: Branch | null;
  firstLoanAt: number | null;
}

export interface CustomerDraft {
  row: CustomerRow;
  managerDraft: UserDraft | null;
  firstLoanAt: number | null;
}

export interface LoanDraft {
  index: number;
  row: LoanRow;
  officer: UserDraft | null;
  customer: CustomerDraft;
  d1: Day | null;
  maturity: Day | null;
  events: RepaymentDraft[];
  /** Crafted to guarantee a case at every scale: no random special rows on it. */
  forced: boolean;
}

export interface RepaymentDraft {
  loan: LoanDraft;
  seq: number;
  row: RepaymentRow;
}

/** A count proportional to the scale, never below `minimum`. */
export const scaled = (base: number, scale: number, minimum: number): number => Math.max(minimum, Math.round(base * scale));


/** Gives drafts ids 1..n in the order of their creation moment (ties: generation order), like an identity column. */
export function assignIds<D, R extends { id: number }>(drafts: D[], at: (d: D) => number, row: (d: D) => R): R[] {
  const order = drafts.map((d, i) => ({ d, i, at: at(d) }));
  order.sort((a, b) => a.at - b.at || a.i - b.i);
  return order.map(({ d }, i) => {
    const r = row(d);
    r.id = i + 1;
    return r;
  });
}

