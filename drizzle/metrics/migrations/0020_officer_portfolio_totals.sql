CREATE TABLE "officer_portfolio_totals" (
	"officer_id" varchar(50) NOT NULL,
	"wave" varchar(10),
	"loans_count" integer NOT NULL,
	"fimr_count" integer NOT NULL,
	"principal_outstanding" numeric NOT NULL,
	"principal_dpd_1_6" numeric NOT NULL,
	"principal_dpd_7_30" numeric NOT NULL,
	"principal_dpd_15_plus" numeric NOT NULL,
	"principal_dpd_30_plus" numeric NOT NULL,
	"principal_dpd_60_plus" numeric NOT NULL,
	"principal_dpd_90_plus" numeric NOT NULL,
	"outstanding" numeric NOT NULL,
	"fee_amount" numeric NOT NULL,
	"fees_collected" numeric NOT NULL,
	"interest_collected" numeric NOT NULL,
	"live_count" integer NOT NULL,
	"live_timeliness_sum" numeric NOT NULL,
	"live_timeliness_count" integer NOT NULL,
	"live_health_sum" numeric NOT NULL,
	"live_health_count" integer NOT NULL,
	"live_days_since_repayment_sum" numeric NOT NULL,
	"live_days_since_repayment_count" integer NOT NULL,
	"live_loan_age_sum" numeric NOT NULL,
	"live_loan_age_count" integer NOT NULL,
	CONSTRAINT "officer_portfolio_totals_officer_wave_key" UNIQUE NULLS NOT DISTINCT("officer_id","wave")
);
--> statement-breakpoint

-- The statement that adds the contributions of `p_rows` (a query returning a `sign` column, +1 or -1, and columns
-- of `loans`) to officer_portfolio_totals, grouped by officer and wave. One text for the triggers (their
-- transition tables) and the backfill below (the whole of `loans`), so both count alike. Ordered by key so two
-- concurrent writers lock the rows they share in the same order. A row whose loans all left stays, all zeros (it
-- adds nothing to a sum; deleting it in the same statement is not possible, in another would cost a scan).
CREATE OR REPLACE FUNCTION officer_totals_delta_sql(p_rows text) RETURNS text
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
    ),
    delta AS (
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
             COALESCE(sum(days_since_repayment) FILTER (WHERE live), 0) AS live_days_since_repayment_sum,
             COALESCE(sum(sign) FILTER (WHERE live AND days_since_repayment IS NOT NULL), 0)::int AS live_days_since_repayment_count,
             COALESCE(sum(loan_age) FILTER (WHERE live), 0) AS live_loan_age_sum,
             COALESCE(sum(sign) FILTER (WHERE live AND loan_age IS NOT NULL), 0)::int AS live_loan_age_count
        FROM r
       GROUP BY officer_id, wave
    ),
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
  $q$, p_rows)
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION loans_maintain_officer_totals() RETURNS trigger
LANGUAGE plpgsql SET jit = off AS $fn$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM officer_portfolio_totals;
  ELSIF TG_OP = 'INSERT' THEN
    EXECUTE officer_totals_delta_sql('SELECT 1 AS sign, n.* FROM officer_totals_new n');
  ELSIF TG_OP = 'DELETE' THEN
    EXECUTE officer_totals_delta_sql('SELECT -1 AS sign, o.* FROM officer_totals_old o');
  ELSE
    EXECUTE officer_totals_delta_sql(
      'SELECT 1 AS sign, n.* FROM officer_totals_new n UNION ALL SELECT -1 AS sign, o.* FROM officer_totals_old o');
  END IF;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER loans_officer_totals_insert AFTER INSERT ON loans
  REFERENCING NEW TABLE AS officer_totals_new
  FOR EACH STATEMENT EXECUTE FUNCTION loans_maintain_officer_totals();
--> statement-breakpoint
CREATE TRIGGER loans_officer_totals_update AFTER UPDATE ON loans
  REFERENCING OLD TABLE AS officer_totals_old NEW TABLE AS officer_totals_new
  FOR EACH STATEMENT EXECUTE FUNCTION loans_maintain_officer_totals();
--> statement-breakpoint
CREATE TRIGGER loans_officer_totals_delete AFTER DELETE ON loans
  REFERENCING OLD TABLE AS officer_totals_old
  FOR EACH STATEMENT EXECUTE FUNCTION loans_maintain_officer_totals();
--> statement-breakpoint
CREATE TRIGGER loans_officer_totals_truncate AFTER TRUNCATE ON loans
  FOR EACH STATEMENT EXECUTE FUNCTION loans_maintain_officer_totals();
--> statement-breakpoint
DO $backfill$ BEGIN
  EXECUTE officer_totals_delta_sql('SELECT 1 AS sign, l.* FROM loans l');
END $backfill$;
