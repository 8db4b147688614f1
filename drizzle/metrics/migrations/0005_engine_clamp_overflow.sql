-- Bad contract data must not abort a batch (issue 3: one bad row never aborts a batch). Two stored values can
-- exceed their upstream column types on absurd inputs: repayment_days_paid numeric(10,2) (P·T/R with a tiny R)
-- and repayment_delay_rate numeric(8,2) (payments or D1 years before disbursement). They are clamped to the
-- column range; current_dpd and the money columns use the exact values as before.

-- Statement 1 of a recompute: every computed column of the given loans, their snapshot for p_as_of and their
-- bucket moves, in one set-based statement. Returns the number of loans updated. Callers hold the lock.
CREATE OR REPLACE FUNCTION recompute_loan_fields(p_loan_ids varchar[], p_as_of date) RETURNS integer
LANGUAGE plpgsql SET jit = off AS $fn$
DECLARE
  v_ids varchar[];
  v_count integer;
  v_exclude_holidays boolean;
BEGIN
  SELECT c.exclude_holidays INTO v_exclude_holidays FROM business_clock c WHERE c.id = 1;
  -- Distinct ids, so the set-based statement sees each loan once (ON CONFLICT may touch a row only once).
  SELECT array_agg(DISTINCT u.id) INTO v_ids FROM unnest(p_loan_ids) AS u(id) WHERE u.id IS NOT NULL;
  IF v_ids IS NULL THEN
    RETURN 0;
  END IF;
  -- EXECUTE plans with the actual array: unnest() is estimated at its length, so one loan uses the indexes
  -- and 18k loans use hash joins over repayments.
  EXECUTE $q$
    WITH
    contract AS (
      SELECT l.loan_id, l.officer_id, l.branch, l.region,
             l.loan_amount AS cap_principal,
             CASE WHEN l.interest_rate > 0 THEN l.interest_rate ELSE 0 END AS rate,
             COALESCE(l.fee_amount, 0) AS cap_fees,
             l.loan_term_days AS term,
             l.disbursement_date AS d0,
             l.first_payment_due_date AS d1,
             l.maturity_date AS maturity,
             LEAST($2::date, l.maturity_date) AS clock_end,
             CASE WHEN l.interest_rate > 0 THEN l.loan_amount * (1 + l.interest_rate) + COALESCE(l.fee_amount, 0)
                  WHEN l.repayment_amount > 0 THEN l.repayment_amount::numeric END AS contract_total,
             l.current_dpd AS old_dpd, l.dpd_bucket AS old_bucket, l.max_dpd_ever AS old_max_dpd,
             l.computed_as_of AS old_as_of
        FROM unnest($1::varchar[]) AS u(loan_id) JOIN loans l ON l.loan_id = u.loan_id
    ),
    paid AS (
      SELECT r.loan_id,
             sum(r.payment_amount) AS total_paid,
             count(*)::int AS n_counted,
             min(r.payment_date) AS first_pay,
             max(r.payment_date) AS last_pay,
             bool_or(r.payment_date <= c.d1) AS paid_by_d1
        FROM repayments r JOIN contract c ON c.loan_id = r.loan_id
       WHERE r.is_counted AND r.payment_date <= $2::date
       GROUP BY r.loan_id
    ),
    base AS (
      SELECT c.*,
             COALESCE(c.contract_total, c.cap_principal + c.cap_fees) AS split_total,
             COALESCE(p.total_paid, 0) AS total_paid,
             COALESCE(p.n_counted, 0) AS n_counted,
             p.first_pay, p.last_pay,
             COALESCE(p.paid_by_d1, false) AS paid_by_d1,
             COALESCE(c.d1 IS NOT NULL AND c.term > 0 AND c.contract_total > 0, false) AS valid,
             ($2::date - c.d0) AS loan_age,
             ($2::date - p.last_pay) AS dslr,
             prev.current_dpd AS prev_snapshot_dpd
        FROM contract c
        LEFT JOIN paid p ON p.loan_id = c.loan_id
        LEFT JOIN LATERAL (
          SELECT s.current_dpd FROM loan_dpd_daily s
           WHERE s.loan_id = c.loan_id AND s.snapshot_date < $2::date
           ORDER BY s.snapshot_date DESC LIMIT 1
        ) prev ON true
    ),
    days AS (
      SELECT b.*,
             (b.valid AND b.clock_end >= b.d1) AS clock_running,
             CASE WHEN b.valid AND b.clock_end >= b.d1 THEN business_days_between(b.d1, b.clock_end, $3) ELSE 0 END AS days_due,
             CASE WHEN b.term > 0 AND b.contract_total > 0 THEN b.total_paid * b.term / b.contract_total ELSE 0 END AS days_paid,
             CASE WHEN b.split_total > 0 THEN LEAST(b.cap_principal, b.total_paid * b.cap_principal / b.split_total) ELSE 0 END AS principal_paid,
             CASE WHEN b.split_total > 0 THEN LEAST(b.cap_principal * b.rate, b.total_paid * b.cap_principal * b.rate / b.split_total) ELSE 0 END AS interest_paid,
             CASE WHEN b.split_total > 0 THEN LEAST(b.cap_fees, b.total_paid * b.cap_fees / b.split_total) ELSE 0 END AS fees_paid
        FROM base b
    ),
    dpd AS (
      SELECT d.*,
             CASE WHEN NOT d.clock_running OR d.contract_total - d.total_paid <= 0 THEN 0
                  ELSE GREATEST(0, d.days_due - round(d.days_paid)::int) END AS new_dpd
        FROM days d
    ),
    fields AS (
      SELECT x.*,
             dpd_bucket(x.new_dpd) AS new_bucket,
             round(x.principal_paid, 2) AS principal_paid_2,
             round(x.cap_principal - round(x.principal_paid, 2), 2) AS principal_outstanding,
             round(x.cap_principal * x.rate - x.interest_paid, 2) AS interest_outstanding,
             round(x.cap_fees - x.fees_paid, 2) AS fees_outstanding,
             round(GREATEST(0, x.split_total - x.total_paid), 2) AS total_outstanding,
             CASE WHEN x.clock_running
                  THEN round(LEAST(GREATEST(0, x.contract_total * x.days_due / x.term - x.total_paid),
                                   GREATEST(0, x.contract_total - x.total_paid)), 2)
                  ELSE 0 END AS actual_outstanding,
             CASE WHEN x.loan_age < 0 THEN NULL
                  ELSE GREATEST(-999999.99, LEAST(999999.99,
                         CASE WHEN x.loan_age > 0 AND x.n_counted > 0
                                THEN round((1 - (((x.dslr + x.new_dpd) / 2.0) / x.loan_age) / 0.25) * 100, 2)
                              WHEN x.loan_age > 0 THEN round((1 - (x.new_dpd::numeric / x.loan_age) / 0.25) * 100, 2)
                              ELSE 0 END)) END AS delay_rate,
             (x.loan_age < 7) AS young,
             CASE WHEN x.dslr IS NOT NULL AND x.loan_age > 0 THEN x.dslr::numeric / x.loan_age END AS recency
        FROM dpd x
    ),
    scored AS (
      SELECT f.*,
             CASE WHEN f.n_counted = 0 THEN CASE WHEN f.young THEN 100 ELSE 50 END
                  WHEN f.young THEN 100
                  WHEN f.recency IS NULL THEN 50
                  WHEN f.recency < 0.15 THEN 95
                  WHEN f.recency < 0.25 THEN 85
                  WHEN f.recency < 0.35 THEN 70
                  WHEN f.recency < 0.50 THEN 55
                  WHEN f.recency < 0.75 THEN 35
                  ELSE 15 END AS timeliness,
             CASE WHEN f.n_counted = 0 THEN CASE WHEN f.young THEN 100 ELSE 50 END
                  WHEN f.young THEN 100
                  ELSE GREATEST(0, LEAST(100, 100
                    - CASE WHEN f.new_dpd <= 0 THEN 0 WHEN f.new_dpd <= 7 THEN 10 WHEN f.new_dpd <= 15 THEN 20
                           WHEN f.new_dpd <= 30 THEN 30 ELSE 40 END
                    - CASE WHEN f.cap_principal > 0 AND f.principal_paid_2 > 0 THEN
                             CASE WHEN f.principal_paid_2 / f.cap_principal > 0.75 THEN 0
                                  WHEN f.principal_paid_2 / f.cap_principal > 0.50 THEN 10
                                  WHEN f.principal_paid_2 / f.cap_principal > 0.25 THEN 20
                                  ELSE 30 END
                           ELSE 15 END
                    - CASE WHEN f.recency IS NULL THEN 15 WHEN f.recency < 0.20 THEN 0 WHEN f.recency < 0.35 THEN 10
                           WHEN f.recency < 0.50 THEN 20 ELSE 30 END)) END AS health
        FROM fields f
    ),
    updated AS (
      UPDATE loans l SET
        total_repayments = s.total_paid,
        total_principal_paid = s.principal_paid_2,
        total_interest_paid = round(s.interest_paid, 2),
        total_fees_paid = round(s.fees_paid, 2),
        principal_outstanding = s.principal_outstanding,
        interest_outstanding = s.interest_outstanding,
        fees_outstanding = s.fees_outstanding,
        total_outstanding = s.total_outstanding,
        actual_outstanding = s.actual_outstanding,
        first_payment_received_date = s.first_pay,
        last_payment_date = s.last_pay,
        counted_repayments_count = s.n_counted,
        days_since_last_repayment = s.dslr,
        loan_age = s.loan_age,
        days_since_due = $2::date - s.d1,
        business_days_since_disbursement = business_days_between(s.d0, $2::date, $3),
        real_loan_tenure_days = business_days_between(s.d0, s.maturity, $3),
        daily_repayment_amount = CASE WHEN s.term > 0 AND s.contract_total > 0 THEN round(s.contract_total / s.term, 2) ELSE 0 END,
        repayment_days_paid = LEAST(round(s.days_paid, 2), 99999999.99),
        repayment_days_due_today = s.days_due,
        current_dpd = s.new_dpd,
        previous_dpd = s.prev_snapshot_dpd,
        max_dpd_ever = GREATEST(COALESCE(s.old_max_dpd, 0), s.new_dpd),
        dpd_bucket = s.new_bucket,
        early_indicator_tagged = s.new_dpd BETWEEN 1 AND 6,
        first_payment_missed = (s.first_pay IS NULL OR s.first_pay > s.d1),
        fimr_tagged = (s.d1 IS NULL OR (s.d1 < $2::date AND NOT s.paid_by_d1)),
        repayment_delay_rate = s.delay_rate,
        timeliness_score = s.timeliness,
        repayment_health = s.health,
        computed_as_of = $2::date,
        updated_at = now()
        FROM scored s
       WHERE l.loan_id = s.loan_id
      RETURNING l.loan_id
    ),
    snapshot AS (
      INSERT INTO loan_dpd_daily (loan_id, snapshot_date, current_dpd, dpd_bucket, principal_outstanding, actual_outstanding, updated_at)
      SELECT s.loan_id, $2::date, s.new_dpd, s.new_bucket, s.principal_outstanding, s.actual_outstanding, now()
        FROM scored s
      ON CONFLICT (loan_id, snapshot_date) DO UPDATE SET
        current_dpd = EXCLUDED.current_dpd,
        dpd_bucket = EXCLUDED.dpd_bucket,
        principal_outstanding = EXCLUDED.principal_outstanding,
        actual_outstanding = EXCLUDED.actual_outstanding,
        updated_at = EXCLUDED.updated_at
      RETURNING 1
    ),
    moved AS (
      INSERT INTO dpd_transitions (loan_id, officer_id, branch, region, transition_date, from_dpd_bucket, to_dpd_bucket,
                                   dpd_before, dpd_after, outstanding_balance)
      SELECT s.loan_id, s.officer_id, s.branch, s.region, $2::date, s.old_bucket, s.new_bucket,
             COALESCE(s.old_dpd, 0), s.new_dpd, s.actual_outstanding
        FROM scored s
       WHERE s.old_as_of IS NOT NULL AND s.old_bucket IS DISTINCT FROM s.new_bucket
       ORDER BY s.loan_id
      RETURNING 1
    )
    SELECT count(*)::int FROM updated
  $q$ INTO v_count USING v_ids, p_as_of, COALESCE(v_exclude_holidays, false);
  RETURN v_count;
END
$fn$;
