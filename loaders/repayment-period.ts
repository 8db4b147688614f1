/** The periods a repayment total covers (today, this week, …, §4.6) as SQL bounds over business today. */

export type RepaymentPeriod = 'today' | 'this_week' | 'this_month' | 'last_month' | 'last_7_days';

/** First and last business date of a period, as SQL over `t.d` (business today). */
export function periodBoundsSql(period: RepaymentPeriod): [string, string] {
  switch (period) {
    case 'today':
      return ['t.d', 't.d'];
    case 'this_week':
      return [`date_trunc('week', t.d)::date`, 't.d'];
    case 'this_month':
      return [`date_trunc('month', t.d)::date`, 't.d'];
    case 'last_month':
      return [`(date_trunc('month', t.d) - interval '1 month')::date`, `(date_trunc('month', t.d)::date - 1)`];
    case 'last_7_days':
      return ['t.d - 6', 't.d'];
  }
}
