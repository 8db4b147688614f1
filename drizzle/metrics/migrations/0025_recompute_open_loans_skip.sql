-- The daily recompute can leave out loans the engine fails on (src/sync/isolated-recompute.ts): the open loans are
-- named by one function, which the recompute and the sync's search for failing loans share, and the recompute takes
-- the loans to leave out. Their computed fields stay as of their last recompute; PAR is refreshed for every scope.
CREATE OR REPLACE FUNCTION open_loan_ids() RETURNS SETOF varchar
LANGUAGE sql STABLE AS $fn$
  SELECT l.loan_id FROM loans l WHERE upper(l.status) NOT IN ('CLOSED', 'REJECTED', 'CANCELLED') OR l.computed_as_of IS NULL
$fn$;
--> statement-breakpoint
DROP FUNCTION recompute_open_loans(date);
--> statement-breakpoint
CREATE FUNCTION recompute_open_loans(p_as_of date, p_skip varchar[] DEFAULT '{}') RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
  v_ids varchar[];
  v_count integer;
BEGIN
  IF p_as_of IS NULL THEN
    RAISE EXCEPTION 'recompute_open_loans: expected a business date as p_as_of, got NULL' USING ERRCODE = '22004';
  END IF;
  PERFORM pg_advisory_xact_lock(7301002);
  SELECT array_agg(o.id) INTO v_ids FROM open_loan_ids() AS o(id) WHERE o.id <> ALL (COALESCE(p_skip, '{}'));
  v_count := CASE WHEN v_ids IS NULL THEN 0 ELSE recompute_loan_fields(v_ids, p_as_of) END;
  PERFORM refresh_par(NULL, p_as_of);
  RETURN v_count;
END
$fn$;
