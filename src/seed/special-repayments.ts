/**
 * The repayment rows the sync and the engine must treat specially, sprinkled over a generated loan book: reversals
 * (most paid again), duplicates not applied to the loan, NULL paid_date, amounts of 0 or less and payments at 00:30
 * Lagos (the UTC date is the day before, DOMAIN.md §8.11), at least three of each at any scale; and a few marked
 * BACKDATED.
 */
import { lagosDayOf, lagosTimestamp, SECONDS_PER_DAY } from './calendar';
import type { LoanDraft, RepaymentDraft } from './drafts';
import type { Prng } from './prng';
import type { RepaymentRow } from './rows';

/**
 * Marks some of the loans' repayment events (never a crafted loan's) and adds the extra rows some cases bring.
 * @param sp the special rows' own stream
 * @param asOfEnd no moment is moved past this one (the as-of day's end)
 */
export function addSpecialRepayments(loanDrafts: readonly LoanDraft[], sp: Prng, asOfEnd: number): void {
  const extraRows: RepaymentDraft[] = [];
  const special = { reversed: 0, notApplied: 0, nullPaid: 0, nonPositive: 0, lagos0030: 0 };
  const extra = (event: RepaymentDraft, patch: Partial<RepaymentRow>): RepaymentDraft => {
    const draft: RepaymentDraft = { loan: event.loan, seq: 1_000_000 + extraRows.length, row: { ...event.row, repaymentRef: sp.uuid(), ...patch } };
    extraRows.push(draft);
    return draft;
  };
  const sameDayLater = (ts: number): number => Math.min(ts + sp.int(300, 7200), asOfEnd);
  type SpecialKind = keyof typeof special;
  const applySpecial = (event: RepaymentDraft, kind: SpecialKind): void => {
    const r = event.row;
    switch (kind) {
      case 'reversed': {
        if (r.markedAs !== null || r.paidDate === null) return;
        // The payment bounced and was reversed a day or two later; most borrowers pay again.
        r.markedAs = 'REVERSAL';
        r.appliedToLoan = sp.chance(0.5) ? false : true;
        r.updatedAt = Math.min(r.createdAt + sp.int(SECONDS_PER_DAY / 2, 2 * SECONDS_PER_DAY), asOfEnd);
        if (sp.chance(0.6)) {
          const at = sameDayLater(r.paidDate);
          extra(event, { markedAs: null, appliedToLoan: true, paidDate: at, createdAt: at + 30, updatedAt: 0 });
        }
        break;
      }
      case 'notApplied': {
        if (r.paidDate === null) return;
        // A duplicate posting the ledger did not apply to the loan.
        const at = sameDayLater(r.paidDate);
        extra(event, { markedAs: null, appliedToLoan: false, paidDate: at, createdAt: at + 20, updatedAt: 0 });
        break;
      }
      case 'nullPaid':
        extra(event, { paidDate: null, appliedToLoan: null, markedAs: null, createdAt: sameDayLater(r.createdAt), updatedAt: 0 });
        break;
      case 'nonPositive':
        extra(event, { amountKobo: sp.chance(0.6) ? 0 : -r.amountKobo, appliedToLoan: null, markedAs: null, createdAt: sameDayLater(r.createdAt), updatedAt: 0 });
        break;
      case 'lagos0030': {
        if (r.paidDate === null) return;
        // Paid at 00:30 in Lagos = 23:30 UTC the day before: the UTC date is the previous day (DOMAIN.md §8.11).
        const day = lagosDayOf(r.paidDate);
        r.paidDate = lagosTimestamp(day, 30 * 60);
        r.createdAt = r.paidDate + sp.int(1, 60);
        break;
      }
    }
    special[kind] += 1;
  };
  const candidates: RepaymentDraft[] = [];
  for (const loan of loanDrafts) {
    if (loan.forced) continue;
    for (const event of loan.events) {
      candidates.push(event);
      const roll = sp.next();
      if (roll < 0.002) applySpecial(event, 'reversed');
      else if (roll < 0.003) applySpecial(event, 'notApplied');
      else if (roll < 0.0032) applySpecial(event, 'nullPaid');
      else if (roll < 0.0034) applySpecial(event, 'nonPositive');
      else if (roll < 0.0054) applySpecial(event, 'lagos0030');
      else if (roll < 0.0064 && event.row.markedAs === null) event.row.markedAs = 'BACKDATED';
    }
  }
  // Guarantee every special kind at tiny scales.
  for (const kind of Object.keys(special) as SpecialKind[]) {
    let guard = 0;
    while (special[kind] < 3 && candidates.length > 0 && guard < 1000) {
      applySpecial(sp.pick(candidates), kind);
      guard += 1;
    }
  }
  for (const draft of extraRows) draft.loan.events.push(draft);
}
