CREATE TABLE "par_loan_shares" (
	"loan_id" varchar(50) PRIMARY KEY NOT NULL,
	"officer_id" varchar(50) NOT NULL,
	"branch" varchar(100) NOT NULL,
	"region" varchar(100) NOT NULL,
	"principal_outstanding" numeric(15, 2) NOT NULL,
	"current_dpd" integer
);
--> statement-breakpoint
CREATE TABLE "par_stale_loans" (
	"loan_id" varchar(50) PRIMARY KEY NOT NULL
);
--> statement-breakpoint
DROP TABLE "par_stale_scopes" CASCADE;--> statement-breakpoint

-- A loan whose officer, branch or region changes outside a recompute (a curated hierarchy change) is queued here;
-- the next refresh_par moves its share from the scopes it left to the ones it joined.
DROP TRIGGER IF EXISTS loans_mark_left_par_scopes ON loans;
--> statement-breakpoint
DROP FUNCTION IF EXISTS loans_mark_left_par_scopes();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION loans_mark_par_stale() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO par_stale_loans (loan_id) VALUES (NEW.loan_id) ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER loans_mark_par_stale AFTER UPDATE OF officer_id, branch, region ON loans
  FOR EACH ROW
  WHEN (OLD.officer_id IS DISTINCT FROM NEW.officer_id OR OLD.branch IS DISTINCT FROM NEW.branch OR OLD.region IS DISTINCT FROM NEW.region)
  EXECUTE FUNCTION loans_mark_par_stale();
--> statement-breakpoint

-- Statement 2 of a recompute: PAR15/30/60/90 per scope compared with par_current; appends par_changes for every
-- scope key whose PAR amount or ratio moved and saves the new state. Returns the number of par_changes appended.
-- p_loan_ids NULL (the daily full refresh): every scope re-aggregated from loans, and par_loan_shares rebuilt.
-- Otherwise: the given loans and the queued par_stale_loans move par_current by the difference between their
-- shares now and their shares in par_loan_shares, so the cost follows the batch, not the size of its scopes
-- (re-aggregating a branch, a region and the whole portfolio per batch took 0.5 s at ten times today's data).
-- The comparison, logging and saving are one text for both.
CREATE OR REPLACE FUNCTION refresh_par(p_loan_ids varchar[], p_as_of date) RETURNS integer
LANGUAGE plpgsql SET jit = off AS $fn$
DECLARE
  v_changes integer;
  -- PAR amounts per scope key of the shares in CTE `signed` (sign, loan_id, officer_id, branch, region,
  -- principal_outstanding, current_dpd): each share counts sign times.
  v_sums constant text := $q$
      SELECT k.scope, k.scope_key,
             sum(x.sign * x.principal_outstanding) AS portfolio,
             COALESCE(sum(x.sign * x.principal_outstanding) FILTER (WHERE x.current_dpd >= 15), 0) AS par15,
             COALESCE(sum(x.sign * x.principal_outstanding) FILTER (WHERE x.current_dpd >= 30), 0) AS par30,
             COALESCE(sum(x.sign * x.principal_outstanding) FILTER (WHERE x.current_dpd >= 60), 0) AS par60,
             COALESCE(sum(x.sign * x.principal_outstanding) FILTER (WHERE x.current_dpd >= 90), 0) AS par90
        FROM signed x
        CROSS JOIN LATERAL (VALUES ('OFFICER'::varchar, x.officer_id::varchar), ('BRANCH', x.branch), ('REGION', x.region), ('PORTFOLIO', 'ALL')) AS k(scope, scope_key)
       GROUP BY k.scope, k.scope_key
  $q$;
  -- Each head ends in a CTE `compared` (scope, scope_key, is_new, <amount>_before / <amount>_after).
  v_full_head constant text := $q$
    WITH
    scope_keys AS (
      SELECT 'OFFICER'::varchar AS scope, l.officer_id::varchar AS scope_key FROM loans l
      UNION SELECT 'BRANCH', l.branch FROM loans l
      UNION SELECT 'REGION', l.region FROM loans l
      UNION SELECT 'PORTFOLIO', 'ALL'
      UNION SELECT pc.scope, pc.scope_key FROM par_current pc
    ),
    signed AS (
      SELECT 1 AS sign, l.loan_id, l.officer_id, l.branch, l.region, COALESCE(l.principal_outstanding, 0) AS principal_outstanding, l.current_dpd
        FROM loans l
    ),
    amounts AS ($q$ || v_sums || $q$),
    compared AS (
      SELECT k.scope, k.scope_key,
             (pc.scope IS NULL) AS is_new,
             COALESCE(pc.portfolio, 0) AS portfolio_before, COALESCE(a.portfolio, 0) AS portfolio_after,
             COALESCE(pc.par15, 0) AS par15_before, COALESCE(a.par15, 0) AS par15_after,
             COALESCE(pc.par30, 0) AS par30_before, COALESCE(a.par30, 0) AS par30_after,
             COALESCE(pc.par60, 0) AS par60_before, COALESCE(a.par60, 0) AS par60_after,
             COALESCE(pc.par90, 0) AS par90_before, COALESCE(a.par90, 0) AS par90_after
        FROM scope_keys k
        LEFT JOIN amounts a ON a.scope = k.scope AND a.scope_key = k.scope_key
        LEFT JOIN par_current pc ON pc.scope = k.scope AND pc.scope_key = k.scope_key
    ),
  $q$;
  v_delta_head constant text := $q$
    WITH
    batch AS (
      SELECT DISTINCT u.loan_id FROM unnest($1::varchar[]) AS u(loan_id)
      UNION SELECT s.loan_id FROM par_stale_loans s
    ),
    -- Every statement of this CTE sees the tables as they were before it: the queue and the old shares are read
    -- in full before these empty and overwrite them.
    consumed AS (DELETE FROM par_stale_loans RETURNING 1),
    now_shares AS (
      SELECT l.loan_id, l.officer_id, l.branch, l.region, COALESCE(l.principal_outstanding, 0) AS principal_outstanding, l.current_dpd
        FROM batch b JOIN loans l ON l.loan_id = b.loan_id
    ),
    saved_shares AS (
      INSERT INTO par_loan_shares (loan_id, officer_id, branch, region, principal_outstanding, current_dpd)
      SELECT * FROM now_shares
      ON CONFLICT (loan_id) DO UPDATE SET officer_id = EXCLUDED.officer_id, branch = EXCLUDED.branch, region = EXCLUDED.region,
        principal_outstanding = EXCLUDED.principal_outstanding, current_dpd = EXCLUDED.current_dpd
      RETURNING 1
    ),
    signed AS (
      SELECT 1 AS sign, n.* FROM now_shares n
      UNION ALL
      SELECT -1, s.loan_id, s.officer_id, s.branch, s.region, s.principal_outstanding, s.current_dpd
        FROM batch b JOIN par_loan_shares s ON s.loan_id = b.loan_id
    ),
    deltas AS ($q$ || v_sums || $q$),
    compared AS (
      SELECT d.scope, d.scope_key,
             (pc.scope IS NULL) AS is_new,
             COALESCE(pc.portfolio, 0) AS portfolio_before, COALESCE(pc.portfolio, 0) + d.portfolio AS portfolio_after,
             COALESCE(pc.par15, 0) AS par15_before, COALESCE(pc.par15, 0) + d.par15 AS par15_after,
             COALESCE(pc.par30, 0) AS par30_before, COALESCE(pc.par30, 0) + d.par30 AS par30_after,
             COALESCE(pc.par60, 0) AS par60_before, COALESCE(pc.par60, 0) + d.par60 AS par60_after,
             COALESCE(pc.par90, 0) AS par90_before, COALESCE(pc.par90, 0) + d.par90 AS par90_after
        FROM deltas d
        LEFT JOIN par_current pc ON pc.scope = d.scope AND pc.scope_key = d.scope_key
    ),
  $q$;
  v_tail constant text := $q$
    ratios AS (
      SELECT c.*,
             par_ratio(c.par15_before, c.portfolio_before) AS ratio15_before, par_ratio(c.par15_after, c.portfolio_after) AS ratio15_after,
             par_ratio(c.par30_before, c.portfolio_before) AS ratio30_before, par_ratio(c.par30_after, c.portfolio_after) AS ratio30_after,
             par_ratio(c.par60_before, c.portfolio_before) AS ratio60_before, par_ratio(c.par60_after, c.portfolio_after) AS ratio60_after,
             par_ratio(c.par90_before, c.portfolio_before) AS ratio90_before, par_ratio(c.par90_after, c.portfolio_after) AS ratio90_after
        FROM compared c
    ),
    logged AS (
      INSERT INTO par_changes (scope, scope_key, business_date,
                               portfolio_before, portfolio_after,
                               par15_before, par15_after, par30_before, par30_after,
                               par60_before, par60_after, par90_before, par90_after,
                               ratio15_before, ratio15_after, ratio30_before, ratio30_after,
                               ratio60_before, ratio60_after, ratio90_before, ratio90_after)
      SELECT r.scope, r.scope_key, $2::date,
             r.portfolio_before, r.portfolio_after,
             r.par15_before, r.par15_after, r.par30_before, r.par30_after,
             r.par60_before, r.par60_after, r.par90_before, r.par90_after,
             r.ratio15_before, r.ratio15_after, r.ratio30_before, r.ratio30_after,
             r.ratio60_before, r.ratio60_after, r.ratio90_before, r.ratio90_after
        FROM ratios r
       WHERE (r.par15_before, r.par30_before, r.par60_before, r.par90_before,
              r.ratio15_before, r.ratio30_before, r.ratio60_before, r.ratio90_before)
             IS DISTINCT FROM
             (r.par15_after, r.par30_after, r.par60_after, r.par90_after,
              r.ratio15_after, r.ratio30_after, r.ratio60_after, r.ratio90_after)
       ORDER BY CASE r.scope WHEN 'PORTFOLIO' THEN 4 WHEN 'REGION' THEN 3 WHEN 'BRANCH' THEN 2 ELSE 1 END, r.scope_key
      RETURNING 1
    ),
    saved AS (
      INSERT INTO par_current (scope, scope_key, portfolio, par15, par30, par60, par90, updated_at)
      SELECT r.scope, r.scope_key, r.portfolio_after, r.par15_after, r.par30_after, r.par60_after, r.par90_after, now()
        FROM ratios r
       WHERE r.is_new
          OR (r.portfolio_before, r.par15_before, r.par30_before, r.par60_before, r.par90_before)
             IS DISTINCT FROM (r.portfolio_after, r.par15_after, r.par30_after, r.par60_after, r.par90_after)
      ON CONFLICT (scope, scope_key) DO UPDATE SET
        portfolio = EXCLUDED.portfolio, par15 = EXCLUDED.par15, par30 = EXCLUDED.par30,
        par60 = EXCLUDED.par60, par90 = EXCLUDED.par90, updated_at = EXCLUDED.updated_at
      RETURNING 1
    )
    SELECT count(*)::int FROM logged
  $q$;
BEGIN
  IF p_loan_ids IS NULL THEN
    EXECUTE v_full_head || v_tail INTO v_changes USING p_loan_ids, p_as_of;
    -- par_current now holds every loan's share as loans do: the shares start again from there.
    TRUNCATE par_loan_shares;
    INSERT INTO par_loan_shares (loan_id, officer_id, branch, region, principal_outstanding, current_dpd)
    SELECT l.loan_id, l.officer_id, l.branch, l.region, COALESCE(l.principal_outstanding, 0), l.current_dpd FROM loans l;
    DELETE FROM par_stale_loans;
  ELSE
    EXECUTE v_delta_head || v_tail INTO v_changes USING p_loan_ids, p_as_of;
  END IF;
  RETURN v_changes;
END
$fn$;
--> statement-breakpoint

-- Databases that already hold loans start their shares from a full refresh (par_current then matches loans).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM loans) THEN
    PERFORM pg_advisory_xact_lock(7301002);
    PERFORM refresh_par(NULL, business_today());
  END IF;
END
$$;
