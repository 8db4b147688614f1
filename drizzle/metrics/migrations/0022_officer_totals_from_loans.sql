-- officer_portfolio_totals' sums as a query that writes nothing, so `npm run validate` can compare the table with
-- them without locking it (0021's rebuild, run inside a rolled-back transaction, deleted every row first, and each
-- write to `loans` waited on those row locks until validate finished). The sums move out of the delta statement
-- (0020) into officer_totals_sums_sql; the delta statement adds them, the rebuild writes them, validate reads them:
-- one text for all three.
CREATE OR REPLACE FUNCTION officer_totals_sums_sql(p_rows text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT format($q$
    WITH r AS MATERIALIZED (
      -- Each row's signed contributions, computed once (inlined, each aggregate below would recompute them).
      SELECT s.officer_id, s.wave, s.sign, s.fimr_tagged, s.current_dpd,
             s.sign * COALESCE(s.principal_outstanding, 0) AS principal,
             s.sign * (COALESCE(s.principal_outstanding, 0) + COALESCE(s.interest_outstanding, 0) + COALESCE(s.fees_outstanding, 0)) AS out3,
             COALESCE(s.principal_outstanding, 0) + COALESCE(s.interest_outstanding, 0) + COALESCE(s.fees_outstanding, 0) > 2000 AS live,
             s.sign * s.fee_amount AS fee_amount, s.sign * s.fees_collected AS fees_collected, s.sign * s.interest_collected AS interest_collected,
             s.sign * s.timeliness_score AS timeliness, s.sign * s.repayment_health AS health,
             s.sign * s.days_since_last_repayment AS days_since_repayment, s.sign * s.loan_age AS loan_age
        FROM (%s) s
    )
    -- The columns of officer_portfolio_totals, in its order and types (officer_totals_from_loans returns its row
    -- type; the day counts of `loans` are integers, whose sums would be bigint).
    SELECT officer_id, wave,
           sum(sign)::int AS loans_count,
           COALESCE(sum(sign) FILTER (WHERE fimr_tagged), 0)::int AS fimr_count,
           sum(principal) AS principal_outstanding,
           COALESCE(sum(principal) FILTER (WHERE current_dpd BETWEEN 1 AND 6), 0) AS principal_dpd_1_6,
           COALESCE(sum(principal) FILTER (WHERE current_dpd BETWEEN 7 AND 30), 0) AS principal_dpd_7_30,
           COALESCE(sum(principal) FILTER (WHERE current_dpd >= 15), 0) AS principal_dpd_15_plus,
           COALESCE(sum(principal) FILTER (WHERE current_dpd >= 30), 0) AS principal_dpd_30_plus,
           COALESCE(sum(principal) FILTER (WHERE current_dpd >= 60), 0) AS principal_dpd_60_plus,
           COALESCE(sum(principal) FILTER (WHERE current_dpd >= 90), 0) AS principal_dpd_90_plus,
           sum(out3) AS outstanding,
           COALESCE(sum(fee_amount), 0) AS fee_amount,
           COALESCE(sum(fees_collected), 0) AS fees_collected,
           COALESCE(sum(interest_collected), 0) AS interest_collected,
           COALESCE(sum(sign) FILTER (WHERE live), 0)::int AS live_count,
           COALESCE(sum(timeliness) FILTER (WHERE live), 0) AS live_timeliness_sum,
           COALESCE(sum(sign) FILTER (WHERE live AND timeliness IS NOT NULL), 0)::int AS live_timeliness_count,
           COALESCE(sum(health) FILTER (WHERE live), 0) AS live_health_sum,
           COALESCE(sum(sign) FILTER (WHERE live AND health IS NOT NULL), 0)::int AS live_health_count,
           COALESCE(sum(days_since_repayment) FILTER (WHERE live), 0)::numeric AS live_days_since_repayment_sum,
           COALESCE(sum(sign) FILTER (WHERE live AND days_since_repayment IS NOT NULL), 0)::int AS live_days_since_repayment_count,
           COALESCE(sum(loan_age) FILTER (WHERE live), 0)::numeric AS live_loan_age_sum,
           COALESCE(sum(sign) FILTER (WHERE live AND loan_age IS NOT NULL), 0)::int AS live_loan_age_count
      FROM r
     GROUP BY officer_id, wave
  $q$, p_rows)
$fn$;
--> statement-breakpoint
-- 0020's statement, now adding the sums of officer_totals_sums_sql; what it writes is unchanged.
CREATE OR REPLACE FUNCTION officer_totals_delta_sql(p_rows text) RETURNS text
LANGUAGE sql IMMUTABLE AS $fn$
  SELECT format($q$
    WITH delta AS (%s),
    changed AS (
      -- An UPDATE that leaves every counted column alone (a name copied from Django, say) changes nothing here.
      SELECT * FROM delta d
       WHERE (d.loans_count, d.fimr_count, d.principal_outstanding, d.principal_dpd_1_6, d.principal_dpd_7_30,
              d.principal_dpd_15_plus, d.principal_dpd_30_plus, d.principal_dpd_60_plus, d.principal_dpd_90_plus,
              d.outstanding, d.fee_amount, d.fees_collected, d.interest_collected, d.live_count,
              d.live_timeliness_sum, d.live_timeliness_count, d.live_health_sum, d.live_health_count,
              d.live_days_since_repayment_sum, d.live_days_since_repayment_count, d.live_loan_age_sum, d.live_loan_age_count)
             IS DISTINCT FROM (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
       ORDER BY d.officer_id, d.wave
    )
    INSERT INTO officer_portfolio_totals AS t (officer_id, wave, loans_count, fimr_count, principal_outstanding,
           principal_dpd_1_6, principal_dpd_7_30, principal_dpd_15_plus, principal_dpd_30_plus, principal_dpd_60_plus,
           principal_dpd_90_plus, outstanding, fee_amount, fees_collected, interest_collected, live_count,
           live_timeliness_sum, live_timeliness_count, live_health_sum, live_health_count,
           live_days_since_repayment_sum, live_days_since_repayment_count, live_loan_age_sum, live_loan_age_count)
    SELECT * FROM changed
      ON CONFLICT (officer_id, wave) DO UPDATE SET
        loans_count = t.loans_count + EXCLUDED.loans_count,
        fimr_count = t.fimr_count + EXCLUDED.fimr_count,
        principal_outstanding = t.principal_outstanding + EXCLUDED.principal_outstanding,
        principal_dpd_1_6 = t.principal_dpd_1_6 + EXCLUDED.principal_dpd_1_6,
        principal_dpd_7_30 = t.principal_dpd_7_30 + EXCLUDED.principal_dpd_7_30,
        principal_dpd_15_plus = t.principal_dpd_15_plus + EXCLUDED.principal_dpd_15_plus,
        principal_dpd_30_plus = t.principal_dpd_30_plus + EXCLUDED.principal_dpd_30_plus,
        principal_dpd_60_plus = t.principal_dpd_60_plus + EXCLUDED.principal_dpd_60_plus,
        principal_dpd_90_plus = t.principal_dpd_90_plus + EXCLUDED.principal_dpd_90_plus,
        outstanding = t.outstanding + EXCLUDED.outstanding,
        fee_amount = t.fee_amount + EXCLUDED.fee_amount,
        fees_collected = t.fees_collected + EXCLUDED.fees_collected,
        interest_collected = t.interest_collected + EXCLUDED.interest_collected,
        live_count = t.live_count + EXCLUDED.live_count,
        live_timeliness_sum = t.live_timeliness_sum + EXCLUDED.live_timeliness_sum,
        live_timeliness_count = t.live_timeliness_count + EXCLUDED.live_timeliness_count,
        live_health_sum = t.live_health_sum + EXCLUDED.live_health_sum,
        live_health_count = t.live_health_count + EXCLUDED.live_health_count,
        live_days_since_repayment_sum = t.live_days_since_repayment_sum + EXCLUDED.live_days_since_repayment_sum,
        live_days_since_repayment_count = t.live_days_since_repayment_count + EXCLUDED.live_days_since_repayment_count,
        live_loan_age_sum = t.live_loan_age_sum + EXCLUDED.live_loan_age_sum,
        live_loan_age_count = t.live_loan_age_count + EXCLUDED.live_loan_age_count
  $q$, officer_totals_sums_sql(p_rows))
$fn$;
--> statement-breakpoint
-- What officer_portfolio_totals should hold, taken afresh from `loans`: read-only (validate compares with it).
CREATE OR REPLACE FUNCTION officer_totals_from_loans() RETURNS SETOF officer_portfolio_totals
LANGUAGE plpgsql STABLE SET jit = off AS $fn$
BEGIN
  RETURN QUERY EXECUTE officer_totals_sums_sql('SELECT 1 AS sign, l.* FROM loans l');
END
$fn$;
--> statement-breakpoint
-- The repair (0021) writes exactly what validate compares with. Locks every totals row until its transaction ends.
CREATE OR REPLACE FUNCTION rebuild_officer_totals() RETURNS integer
LANGUAGE plpgsql SET jit = off AS $fn$
DECLARE
  v_rows integer;
BEGIN
  DELETE FROM officer_portfolio_totals;
  INSERT INTO officer_portfolio_totals SELECT * FROM officer_totals_from_loans() ORDER BY officer_id, wave;
  GET DIAGNOSTICS v_rows = ROW_COUNT;
  RETURN v_rows;
END
$fn$;
