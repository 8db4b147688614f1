-- recompute_loans refuses to compute a loan for a date earlier than the one it was last computed for while that date is
-- also behind the business date: such a caller holds a stale business date, as a sync cycle does that read "today"
-- before midnight and whose batch recomputes after the hierarchy import (or the repayments trigger, or anything else
-- that reads business_today()) has computed the same loans for the new date. Taken, it moved those loans back a day,
-- logging a DPD transition dated the day before and rewriting that day's snapshot with later data, and the next
-- recompute moved them forward again with a second transition: two events for a bucket that never changed. Skipping
-- those loans instead would leave them without the repayments the same transaction has just written until the next
-- day's recompute. So the whole call is refused, with SQLSTATE 55000 (object not in prerequisite state: no data
-- exception, so the sync does not set the loans aside as loans the engine fails on) and a message naming the loans and
-- the dates; the caller's transaction rolls back, and the sync's next cycle, which reads the new business date, copies
-- the same rows again and recomputes them for that date.
-- Not refused: a recompute as of the business date or later (a clock moved back on purpose, a pinned past date or
-- offset_days - 1, recomputes loans for the date it now says, as before), and recompute_open_loans, which is how the sync
-- and the daily recompute adopt a business date, forward or back (the sync's is its own clock, which tests set apart
-- from business_today()); the sync runs it right after reading the date.
CREATE OR REPLACE FUNCTION recompute_loans(p_loan_ids varchar[], p_as_of date) RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count integer;
  v_today date;
  v_later integer;
  v_first varchar[];
  v_latest date;
BEGIN
  IF p_as_of IS NULL THEN
    RAISE EXCEPTION 'recompute_loans: expected a business date as p_as_of, got NULL' USING ERRCODE = '22004';
  END IF;
  IF p_loan_ids IS NULL OR cardinality(p_loan_ids) = 0 THEN
    RETURN 0;
  END IF;
  PERFORM pg_advisory_xact_lock(7301002);
  -- After the lock: a writer that computed these loans for a later date has committed by now. A date at or after the
  -- business date costs no read.
  v_today := business_today();
  IF p_as_of < v_today THEN
    SELECT count(*)::int, (array_agg(l.loan_id ORDER BY l.loan_id))[1:5], max(l.computed_as_of)
      INTO v_later, v_first, v_latest
      FROM loans l WHERE l.loan_id = ANY(p_loan_ids) AND l.computed_as_of > p_as_of;
    IF v_later > 0 THEN
      RAISE EXCEPTION 'recompute_loans: % loan(s) (%) were last computed as of a later date (up to %) than the as-of date %, which is behind the business date %',
          v_later, array_to_string(v_first, ', ') || CASE WHEN v_later > 5 THEN ', …' ELSE '' END, v_latest, p_as_of, v_today
        USING ERRCODE = '55000',
              DETAIL = 'Recomputed for an earlier date, they would move back and log DPD transitions that did not happen.',
              HINT = 'The caller read the business date before it moved: recompute as of business_today().';
    END IF;
  END IF;
  v_count := recompute_loan_fields(p_loan_ids, p_as_of);
  PERFORM refresh_par(p_loan_ids, p_as_of);
  RETURN v_count;
END
$fn$;
