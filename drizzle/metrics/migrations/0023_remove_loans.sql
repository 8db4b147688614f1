-- Loans Django no longer has (deleted there), taken out of seedsmetrics by the reconciliation: their rows go with
-- their repayments, schedules and DPD snapshots (ON DELETE CASCADE), the officer totals lose them (0020's
-- triggers), and every PAR scope they counted in loses their share, logged in par_changes like any PAR move
-- (refresh_par finds no current row for them and subtracts the share it saved; the share row then goes). Their
-- dpd_transitions and par_changes stay: what happened, happened. Returns the number of loans removed.
CREATE OR REPLACE FUNCTION remove_loans(p_loan_ids varchar[], p_as_of date) RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count integer;
BEGIN
  IF p_as_of IS NULL THEN
    RAISE EXCEPTION 'remove_loans: expected a business date as p_as_of, got NULL' USING ERRCODE = '22004';
  END IF;
  IF p_loan_ids IS NULL OR cardinality(p_loan_ids) = 0 THEN
    RETURN 0;
  END IF;
  -- The engine's lock, as recompute_loans takes it: PAR moves one writer at a time.
  PERFORM pg_advisory_xact_lock(7301002);
  DELETE FROM loans WHERE loan_id = ANY(p_loan_ids);
  GET DIAGNOSTICS v_count = ROW_COUNT;
  PERFORM refresh_par(p_loan_ids, p_as_of);
  DELETE FROM par_loan_shares s WHERE s.loan_id = ANY(p_loan_ids) AND NOT EXISTS (SELECT 1 FROM loans l WHERE l.loan_id = s.loan_id);
  RETURN v_count;
END
$fn$;
