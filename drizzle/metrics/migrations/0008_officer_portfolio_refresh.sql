-- Officer portfolios (§4.4 over all waves) kept current in the transaction that changes loans or officers.
-- The WITH chain is loaders/officer-portfolio.metrics.ts officerMetricsChain('SELECT DISTINCT unnest(p_officer_ids)', 'NULL'),
-- verbatim: test/integration/engine/officer-portfolios.test.ts fails when the two differ.
CREATE OR REPLACE FUNCTION refresh_officer_portfolios(p_officer_ids varchar[]) RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count integer;
BEGIN
  IF p_officer_ids IS NULL OR cardinality(p_officer_ids) = 0 THEN
    RETURN 0;
  END IF;
  WITH lo AS (
       SELECT p.officer_id, l.loan_id, l.fimr_tagged, l.current_dpd, l.principal_outstanding, l.fee_amount, l.loan_amount,
              l.interest_rate, l.total_repayments, l.timeliness_score, l.repayment_health, l.days_since_last_repayment, l.loan_age,
              (COALESCE(l.principal_outstanding, 0) + COALESCE(l.interest_outstanding, 0) + COALESCE(l.fees_outstanding, 0)) AS out3
         FROM (SELECT DISTINCT unnest(p_officer_ids)) AS p(officer_id)
         LEFT JOIN loans l ON l.officer_id = p.officer_id AND (NULL::text IS NULL OR l.wave = NULL::text)
     ),
     raw AS (
       SELECT officer_id,
              count(loan_id) FILTER (WHERE fimr_tagged)::int AS first_miss,
              count(loan_id)::int AS disbursed,
              COALESCE(sum(principal_outstanding) FILTER (WHERE current_dpd BETWEEN 1 AND 6), 0) AS dpd1to6_bal,
              COALESCE(sum(out3) FILTER (WHERE loan_id IS NOT NULL), 0) AS amount_due_7d,
              COALESCE(sum(principal_outstanding) FILTER (WHERE current_dpd BETWEEN 7 AND 30), 0) AS moved_to_7to30,
              COALESCE(sum(total_repayments * fee_amount / (loan_amount * (1 + interest_rate) + fee_amount))
                FILTER (WHERE fee_amount IS NOT NULL AND interest_rate IS NOT NULL AND loan_amount * (1 + interest_rate) + fee_amount > 0), 0) AS fees_collected,
              COALESCE(sum(total_repayments * loan_amount * interest_rate / (loan_amount * (1 + interest_rate) + fee_amount))
                FILTER (WHERE fee_amount IS NOT NULL AND interest_rate IS NOT NULL AND loan_amount * (1 + interest_rate) + fee_amount > 0), 0) AS interest_collected,
              COALESCE(sum(fee_amount), 0) AS fees_due,
              COALESCE(sum(principal_outstanding) FILTER (WHERE current_dpd >= 15), 0) AS overdue15d,
              COALESCE(sum(principal_outstanding) FILTER (WHERE current_dpd >= 30), 0) AS par30_amount,
              COALESCE(sum(principal_outstanding) FILTER (WHERE current_dpd >= 60), 0) AS par60_amount,
              COALESCE(sum(principal_outstanding) FILTER (WHERE current_dpd >= 90), 0) AS par90_amount,
              COALESCE(sum(principal_outstanding), 0) AS total_portfolio,
              count(*) FILTER (WHERE out3 > 2000)::int AS active_loans,
              COALESCE(avg(timeliness_score) FILTER (WHERE out3 > 2000), 0) AS avg_timeliness,
              COALESCE(avg(repayment_health) FILTER (WHERE out3 > 2000), 0) AS avg_health,
              COALESCE(avg(days_since_last_repayment) FILTER (WHERE out3 > 2000), 0) AS avg_dslr,
              COALESCE(avg(loan_age) FILTER (WHERE out3 > 2000), 0) AS avg_age
         FROM lo GROUP BY officer_id
     ),
     calc AS (
       SELECT raw.*,
              (CASE WHEN disbursed > 0 THEN first_miss::numeric / disbursed ELSE 0 END) AS fimr,
              (CASE WHEN amount_due_7d > 0 THEN dpd1to6_bal / amount_due_7d ELSE 0 END) AS slippage,
              (CASE WHEN dpd1to6_bal > 0 THEN moved_to_7to30 / dpd1to6_bal ELSE 0 END) AS roll,
              (CASE WHEN fees_due > 0 THEN fees_collected / fees_due ELSE 0 END) AS frr,
              (CASE WHEN total_portfolio > 0 THEN (interest_collected + fees_collected) / total_portfolio ELSE 0 END) AS ayr,
              (CASE WHEN total_portfolio > 0 THEN overdue15d / total_portfolio ELSE 0 END) AS porr,
              (CASE WHEN total_portfolio > 0 THEN par30_amount / total_portfolio ELSE 0 END) AS par30,
              (CASE WHEN total_portfolio > 0 THEN par60_amount / total_portfolio ELSE 0 END) AS par60,
              (CASE WHEN total_portfolio > 0 THEN par90_amount / total_portfolio ELSE 0 END) AS par90,
              CASE WHEN avg_age > 0 THEN (1 - (avg_dslr / avg_age) / 0.25) * 100 ELSE 0 END AS rdr
         FROM raw
     ),
     scored AS (
       SELECT calc.*,
              GREATEST(0, 1 - slippage) AS on_time,
              LEAST(1, GREATEST(0,
                1 - 0.20 * porr - 0.15 * fimr - 0.10 * roll
                  - (CASE WHEN rdr <= 100 THEN LEAST(0.40, (1 - rdr / 100) * 0.40) ELSE 0 END)
                  - 0.15 * (1 - LEAST(ayr, 1)))) AS risk_norm
         FROM calc
     )
  INSERT INTO officer_portfolios (officer_id, first_miss, disbursed, dpd1to6_bal, amount_due_7d, moved_to_7to30, fees_collected, interest_collected, fees_due, overdue15d, par30_amount, par60_amount, par90_amount, total_portfolio, active_loans, avg_timeliness, avg_health, avg_dslr, avg_age, fimr, slippage, roll, frr, ayr, porr, par30, par60, par90, rdr, on_time, risk_norm, refreshed_at)
  SELECT officer_id, first_miss, disbursed, dpd1to6_bal, amount_due_7d, moved_to_7to30, fees_collected, interest_collected, fees_due, overdue15d, par30_amount, par60_amount, par90_amount, total_portfolio, active_loans, avg_timeliness, avg_health, avg_dslr, avg_age, fimr, slippage, roll, frr, ayr, porr, par30, par60, par90, rdr, on_time, risk_norm, now() FROM scored
  ON CONFLICT (officer_id) DO UPDATE SET
    first_miss = EXCLUDED.first_miss,
    disbursed = EXCLUDED.disbursed,
    dpd1to6_bal = EXCLUDED.dpd1to6_bal,
    amount_due_7d = EXCLUDED.amount_due_7d,
    moved_to_7to30 = EXCLUDED.moved_to_7to30,
    fees_collected = EXCLUDED.fees_collected,
    interest_collected = EXCLUDED.interest_collected,
    fees_due = EXCLUDED.fees_due,
    overdue15d = EXCLUDED.overdue15d,
    par30_amount = EXCLUDED.par30_amount,
    par60_amount = EXCLUDED.par60_amount,
    par90_amount = EXCLUDED.par90_amount,
    total_portfolio = EXCLUDED.total_portfolio,
    active_loans = EXCLUDED.active_loans,
    avg_timeliness = EXCLUDED.avg_timeliness,
    avg_health = EXCLUDED.avg_health,
    avg_dslr = EXCLUDED.avg_dslr,
    avg_age = EXCLUDED.avg_age,
    fimr = EXCLUDED.fimr,
    slippage = EXCLUDED.slippage,
    roll = EXCLUDED.roll,
    frr = EXCLUDED.frr,
    ayr = EXCLUDED.ayr,
    porr = EXCLUDED.porr,
    par30 = EXCLUDED.par30,
    par60 = EXCLUDED.par60,
    par90 = EXCLUDED.par90,
    rdr = EXCLUDED.rdr,
    on_time = EXCLUDED.on_time,
    risk_norm = EXCLUDED.risk_norm,
    refreshed_at = EXCLUDED.refreshed_at;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  RETURN v_count;
END
$fn$;
--> statement-breakpoint

-- Whatever writes loans (sync, recompute, hierarchy moves) or adds officers refreshes the officers involved, once per
-- statement; an officer a loan moved away from is refreshed too (old rows).
CREATE OR REPLACE FUNCTION officers_of_changed_rows_refresh_portfolios() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
  v_ids varchar[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(DISTINCT n.officer_id) INTO v_ids FROM new_rows n WHERE n.officer_id IS NOT NULL;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT array_agg(DISTINCT u.officer_id) INTO v_ids
      FROM (SELECT o.officer_id FROM old_rows o UNION SELECT n.officer_id FROM new_rows n) u
     WHERE u.officer_id IS NOT NULL;
  ELSE
    SELECT array_agg(DISTINCT o.officer_id) INTO v_ids FROM old_rows o WHERE o.officer_id IS NOT NULL;
  END IF;
  PERFORM refresh_officer_portfolios(v_ids);
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER loans_refresh_portfolios_on_insert AFTER INSERT ON loans
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION officers_of_changed_rows_refresh_portfolios();
--> statement-breakpoint
CREATE TRIGGER loans_refresh_portfolios_on_update AFTER UPDATE ON loans
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION officers_of_changed_rows_refresh_portfolios();
--> statement-breakpoint
CREATE TRIGGER loans_refresh_portfolios_on_delete AFTER DELETE ON loans
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION officers_of_changed_rows_refresh_portfolios();
--> statement-breakpoint
CREATE TRIGGER officers_refresh_portfolios_on_insert AFTER INSERT ON officers
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION officers_of_changed_rows_refresh_portfolios();
--> statement-breakpoint

-- Existing databases: every officer, and every officer a loan names, gets its row now.
SELECT refresh_officer_portfolios(array_agg(officer_id)) FROM (SELECT officer_id FROM officers UNION SELECT officer_id FROM loans) ids;
