CREATE TABLE "par_stale_scopes" (
	"scope" varchar(20) NOT NULL,
	"scope_key" varchar(255) NOT NULL,
	CONSTRAINT "par_stale_scopes_scope_scope_key_pk" PRIMARY KEY("scope","scope_key")
);--> statement-breakpoint

-- A loan whose officer, branch or region changes (a reassignment copied by the sync, a curated hierarchy change)
-- leaves its old scope keys here; the next refresh_par (the recompute of that loan, in the same transaction)
-- refreshes them with the new ones, so the scope the loan left does not keep its PAR until the daily refresh.
CREATE OR REPLACE FUNCTION loans_mark_left_par_scopes() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO par_stale_scopes (scope, scope_key)
  SELECT k.scope, k.scope_key
    FROM (VALUES ('OFFICER', OLD.officer_id, NEW.officer_id), ('BRANCH', OLD.branch, NEW.branch), ('REGION', OLD.region, NEW.region))
         AS k(scope, scope_key, new_key)
   WHERE k.scope_key IS DISTINCT FROM k.new_key AND k.scope_key IS NOT NULL
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS loans_mark_left_par_scopes ON loans;
--> statement-breakpoint
CREATE TRIGGER loans_mark_left_par_scopes AFTER UPDATE OF officer_id, branch, region ON loans
  FOR EACH ROW
  WHEN (OLD.officer_id IS DISTINCT FROM NEW.officer_id OR OLD.branch IS DISTINCT FROM NEW.branch OR OLD.region IS DISTINCT FROM NEW.region)
  EXECUTE FUNCTION loans_mark_left_par_scopes();
--> statement-breakpoint

-- Statement 2 of a recompute: PAR15/30/60/90 per scope compared with par_current; appends par_changes for
-- every scope key whose PAR amount or ratio moved and saves the new state. p_loan_ids NULL = every scope.
-- Besides the touched loans' scopes it refreshes the keys in par_stale_scopes (scopes loans left) and empties it.
-- Returns the number of par_changes rows appended.
CREATE OR REPLACE FUNCTION refresh_par(p_loan_ids varchar[], p_as_of date) RETURNS integer
LANGUAGE plpgsql SET jit = off AS $fn$
DECLARE
  v_changes integer;
BEGIN
  EXECUTE $q$
    WITH
    touched AS (
      SELECT l.officer_id, l.branch, l.region FROM loans l WHERE $1::varchar[] IS NULL
      UNION ALL
      SELECT l.officer_id, l.branch, l.region
        FROM unnest($1::varchar[]) AS u(loan_id) JOIN loans l ON l.loan_id = u.loan_id
    ),
    scope_keys AS (
      SELECT 'OFFICER'::varchar AS scope, t.officer_id::varchar AS scope_key FROM touched t
      UNION SELECT 'BRANCH', t.branch FROM touched t
      UNION SELECT 'REGION', t.region FROM touched t
      UNION SELECT 'PORTFOLIO', 'ALL'
      UNION SELECT pc.scope, pc.scope_key FROM par_current pc WHERE $1::varchar[] IS NULL
      UNION SELECT s.scope, s.scope_key FROM par_stale_scopes s
    ),
    -- The keys loans left are refreshed now; every statement of this CTE sees the rows as they were before it.
    consumed AS (DELETE FROM par_stale_scopes RETURNING 1),
    amounts AS (
      SELECT 'OFFICER'::varchar AS scope, l.officer_id::varchar AS scope_key,
             sum(COALESCE(l.principal_outstanding, 0)) AS portfolio,
             COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 15), 0) AS par15,
             COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 30), 0) AS par30,
             COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 60), 0) AS par60,
             COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 90), 0) AS par90
        FROM loans l WHERE l.officer_id IN (SELECT k.scope_key FROM scope_keys k WHERE k.scope = 'OFFICER')
       GROUP BY l.officer_id
      UNION ALL
      SELECT 'BRANCH', l.branch,
             sum(COALESCE(l.principal_outstanding, 0)),
             COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 15), 0),
             COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 30), 0),
             COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 60), 0),
             COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 90), 0)
        FROM loans l WHERE l.branch IN (SELECT k.scope_key FROM scope_keys k WHERE k.scope = 'BRANCH')
       GROUP BY l.branch
      UNION ALL
      SELECT 'REGION', l.region,
             sum(COALESCE(l.principal_outstanding, 0)),
             COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 15), 0),
             COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 30), 0),
             COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 60), 0),
             COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 90), 0)
        FROM loans l WHERE l.region IN (SELECT k.scope_key FROM scope_keys k WHERE k.scope = 'REGION')
       GROUP BY l.region
      UNION ALL
      SELECT 'PORTFOLIO', 'ALL',
             COALESCE(sum(COALESCE(l.principal_outstanding, 0)), 0),
             COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 15), 0),
             COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 30), 0),
             COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 60), 0),
             COALESCE(sum(l.principal_outstanding) FILTER (WHERE l.current_dpd >= 90), 0)
        FROM loans l
    ),
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
  $q$ INTO v_changes USING p_loan_ids, p_as_of;
  RETURN v_changes;
END
$fn$;
