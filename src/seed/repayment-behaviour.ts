/**
 * How the borrower of a generated loan repays: draws a behaviour for the loan (on time, stopped paying k business
 * days ago, partial payer, paid off, past maturity, ...) and writes the repayment events it leads to, grouped by
 * the borrower's habit (daily, weekly, every 2 or 3 days), so that business-day DPD (D5) spreads over every bucket.
 */
import { businessDaysBetween, dayOfWeek, isBusinessDay, lagosTimestamp, nthBusinessDay, type Day } from './calendar';
import type { LoanDraft } from './drafts';
import { WeightedTable, type Prng } from './prng';

const REPAYMENT_CHANNELS: ReadonlyArray<readonly [string | null, number]> = [
  ['AGENT_DEBIT', 55], ['TRANSFER', 24], ['ESCROW_DEBIT', 12], [null, 5], ['CASH', 1.5], ['CARD', 1], ['USSD', 1], ['DIRECT_DEBIT', 0.5],
];

export type Behaviour =
  | { kind: 'none' }
  | { kind: 'on_time' }
  | { kind: 'late_start'; lateDays: number }
  | { kind: 'gap'; missedDays: number }
  | { kind: 'partial'; fraction: number }
  | { kind: 'paid_off'; earlyAfterDays: number | null; extraKobo: number }
  | { kind: 'past_maturity'; fraction: number; recovery: boolean };

type Pattern = 'daily' | 'weekly' | 'every2' | 'every3';

export interface RepaymentBehaviours {
  /** Draws how the borrower of a loan due from `d1` to `maturity` repays. */
  choose(d1: Day, maturity: Day): Behaviour;
  /** Adds the repayment events `behaviour` leads to, up to the as-of day, to the loan. */
  apply(loan: LoanDraft, behaviour: Behaviour, d1: Day, maturity: Day): void;
}

/**
 * @param asOf nothing is paid after this business day
 * @param lp the loans' stream, which `choose` draws from (between the draws of the loan it is for)
 * @param pp the payments' stream, which `apply` draws from
 */
export function repaymentBehaviours(asOf: Day, lp: Prng, pp: Prng): RepaymentBehaviours {
  const choose = (d1: Day, maturity: Day): Behaviour => {
    if (d1 > asOf) return { kind: 'none' };
    const elapsed = businessDaysBetween(d1, Math.min(asOf, maturity));
    if (maturity < asOf) {
      const pick = lp.weighted<string>([['paid', 62], ['over', 5], ['past', 30], ['late', 3]]);
      if (pick === 'paid') return { kind: 'paid_off', earlyAfterDays: null, extraKobo: 0 };
      if (pick === 'over') return { kind: 'paid_off', earlyAfterDays: null, extraKobo: lp.int(1, 20) * 50_000 };
      if (pick === 'late') return { kind: 'late_start', lateDays: lp.int(1, 4) };
      return { kind: 'past_maturity', fraction: 0.15 + lp.next() * 0.8, recovery: lp.chance(0.4) };
    }
    const pick = lp.weighted<string>([
      ['on_time', 55], ['late', 5], ['none', 2.5], ['gap1', 11], ['gap7', 10], ['gap31', 5], ['gap61', 2.5], ['gap90', 2], ['partial', 5], ['early', 2],
    ]);
    const gap = (min: number, max: number): Behaviour => (elapsed < min ? { kind: 'on_time' } : { kind: 'gap', missedDays: lp.int(min, Math.min(max, elapsed)) });
    switch (pick) {
      case 'late':
        return { kind: 'late_start', lateDays: lp.int(1, 5) };
      case 'none':
        return { kind: 'none' };
      case 'gap1':
        return gap(1, 6);
      case 'gap7':
        return gap(7, 30);
      case 'gap31':
        return gap(31, 60);
      case 'gap61':
        return gap(61, 90);
      case 'gap90':
        return gap(91, 200);
      case 'partial':
        return { kind: 'partial', fraction: 0.4 + lp.next() * 0.5 };
      case 'early':
        return elapsed > 3 ? { kind: 'paid_off', earlyAfterDays: lp.int(1, elapsed - 1), extraKobo: 0 } : { kind: 'on_time' };
      default:
        return { kind: 'on_time' };
    }
  };

  const channelTable = new WeightedTable(REPAYMENT_CHANNELS.map(([c]) => c), REPAYMENT_CHANNELS.map(([, w]) => w));

  /** Turns per-business-day amounts into payment events grouped by the borrower's habit. */
  const addPayments = (loan: LoanDraft, days: readonly Day[], perDayKobo: readonly number[], pattern: Pattern, markedAs: string | null): void => {
    let groupAmount = 0;
    let groupSize = 0;
    const every = pattern === 'every2' ? 2 : pattern === 'every3' ? 3 : 1;
    for (let i = 0; i < days.length; i += 1) {
      groupAmount += perDayKobo[i];
      groupSize += 1;
      const last = i === days.length - 1;
      const close = last || (pattern === 'weekly' ? dayOfWeek(days[i]) === 5 : groupSize >= every);
      if (!close) continue;
      if (groupAmount > 0) {
        const paidAt = lagosTimestamp(days[i], pp.int(7 * 3600, 20 * 3600));
        loan.events.push({
          loan,
          seq: loan.events.length,
          row: {
            id: 0,
            loanId: 0,
            agentId: loan.officer ? 0 : null,
            borrowerId: 0,
            paidDate: paidAt,
            amountKobo: groupAmount,
            repaymentType: channelTable.pick(pp),
            healthInsuranceKobo: pp.chance(0.1) ? 5_000 : 0,
            markedAs,
            appliedToLoan: pp.chance(0.9) ? true : null,
            loanAmountKobo: loan.row.amountKobo,
            repaymentRef: pp.uuid(),
            settlementStatus: pp.chance(0.97) ? 'SETTLED' : 'PENDING',
            createdAt: paidAt + pp.int(1, 90),
            updatedAt: 0,
          },
        });
      }
      groupAmount = 0;
      groupSize = 0;
    }
  };

  /** The first `count` business days starting at `start` (a business day), never after as-of. */
  const businessDays = (start: Day, count: number): Day[] => {
    const days: Day[] = [];
    let d = start;
    while (days.length < count && d <= asOf) {
      if (isBusinessDay(d)) days.push(d);
      d += 1;
    }
    return days;
  };

  const apply = (loan: LoanDraft, behaviour: Behaviour, d1: Day, maturity: Day): void => {
    const { row } = loan;
    const daily = row.dailyRepaymentAmountKobo;
    const term = row.tenorInDays;
    const total = row.repaymentAmountKobo;
    const pattern = pp.weighted<Pattern>([['daily', 30], ['weekly', 33], ['every2', 20], ['every3', 17]]);
    const elapsed = businessDaysBetween(d1, Math.min(asOf, maturity));
    const uniform = (days: Day[], each: number): number[] => days.map(() => each);
    switch (behaviour.kind) {
      case 'none':
        return;
      case 'on_time': {
        const days = businessDays(d1, Math.min(elapsed, term));
        addPayments(loan, days, uniform(days, daily), pattern, null);
        return;
      }
      case 'late_start': {
        // First payment a few business days after it was due, then catches up: FIMR but not delinquent.
        const start = nthBusinessDay(d1, behaviour.lateDays + 1);
        const days = businessDays(start, Math.min(elapsed, term) - behaviour.lateDays);
        if (days.length === 0) return;
        const owed = Math.min(elapsed, term) * daily;
        const amounts = uniform(days, daily);
        amounts[0] += owed - days.length * daily;
        if (Math.min(elapsed, term) >= term) amounts[amounts.length - 1] += total - term * daily;
        addPayments(loan, days, amounts, 'daily', null);
        return;
      }
      case 'gap': {
        const paidDays = Math.max(0, elapsed - behaviour.missedDays);
        const days = businessDays(d1, paidDays);
        addPayments(loan, days, uniform(days, daily), pattern, null);
        return;
      }
      case 'partial': {
        const each = Math.max(100, Math.round((daily * behaviour.fraction) / 100) * 100);
        const days = businessDays(d1, elapsed);
        addPayments(loan, days, uniform(days, each), pattern, null);
        return;
      }
      case 'paid_off': {
        const n = behaviour.earlyAfterDays ?? term;
        const days = businessDays(d1, behaviour.earlyAfterDays === null ? term : n + 1);
        if (days.length === 0) return;
        const amounts = uniform(days, daily);
        // The last payment settles the exact balance (plus any overpayment).
        amounts[amounts.length - 1] = total - daily * (days.length - 1) + behaviour.extraKobo;
        addPayments(loan, days, amounts, behaviour.earlyAfterDays === null ? pattern : 'daily', null);
        return;
      }
      case 'past_maturity': {
        const days = businessDays(d1, Math.max(1, Math.floor(term * behaviour.fraction)));
        addPayments(loan, days, uniform(days, daily), pattern, null);
        if (behaviour.recovery && maturity + 3 < asOf) {
          // Collections recovered part of the balance after maturity.
          const recoveryDays: Day[] = [];
          const recoveries = pp.int(1, 3);
          for (let k = 0; k < recoveries; k += 1) {
            let day = pp.int(maturity + 1, asOf);
            while (!isBusinessDay(day)) day -= 1;
            if (day > maturity && !recoveryDays.includes(day)) recoveryDays.push(day);
          }
          recoveryDays.sort((a, b) => a - b);
          addPayments(loan, recoveryDays, recoveryDays.map(() => daily * pp.int(2, 10)), 'daily', 'RECOVERY');
        }
        return;
      }
    }
  };

  return { choose, apply };
}
