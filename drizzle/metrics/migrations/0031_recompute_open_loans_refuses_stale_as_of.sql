-- recompute_open_loans refuses a stale as-of date as recompute_loans does since 0030, with the same test in one
-- function both call. Its callers read the business date before the engine's lock, so a midnight race moves loans
-- back as 0030 describes, every open loan at once: the sync worker reads its date at the start of a cycle and adopts it
-- (recompute_open_loans) on its first cycle and whenever the date changes, so a worker starting up (or restarted by its
-- supervisor) just before midnight adopts the day before after the hierarchy import, the repayments trigger or another
-- recompute_if_new_business_day computed the loans for the new date; recompute_if_new_business_day and the hierarchy
-- import read business_today() in their own transaction. The worker's cycle then fails naming the loans (SQLSTATE
-- 55000, no data exception: no loan is set aside) and the next cycle reads the new date and adopts it. A date at or
-- after business_today() is still taken (a clock moved back on purpose, tests computing history backwards).
CREATE OR REPLACE FUNCTION refuse_stale_as_of(p_caller text, p_loan_ids varchar[], p_as_of date) RETURNS void
LANGUAGE plpgsql STABLE AS $fn$
DECLARE
  v_today date := business_today();
  v_later integer;
  v_first varchar[];
  v_latest date;
BEGIN
  -- A date at or after the business date costs no read.
  IF p_as_of >= v_today THEN
    RETURN;
  END IF;
  SELECT count(*)::int, (array_agg(l.loan_id ORDER BY l.loan_id))[1:5], max(l.computed_as_of)
    INTO v_later, v_first, v_latest
    FROM loans l WHERE l.loan_id = ANY(p_loan_ids) AND l.computed_as_of > p_as_of;
  IF v_later > 0 THEN
    RAISE EXCEPTION '%: % loan(s) (%) were last computed as of a later date (up to %) than the as-of date %, which is behind the business date %',
        p_caller, v_later, array_to_string(v_first, ', ') || CASE WHEN v_later > 5 THEN ', …' ELSE '' END, v_latest, p_as_of, v_today
      USING ERRCODE = '55000',
            DETAIL = 'Recomputed for an earlier date, they would move back and log DPD transitions that did not happen.',
            HINT = 'The caller read the business date before it moved: recompute as of business_today().';
  END IF;
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION recompute_loans(p_loan_ids varchar[], p_as_of date) RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
  v_count integer;
BEGIN
  IF p_as_of IS NULL THEN
    RAISE EXCEPTION 'recompute_loans: expected a business date as p_as_of, got NULL' USING ERRCODE = '22004';
  END IF;
  IF p_loan_ids IS NULL OR cardinality(p_loan_ids) = 0 THEN
    RETURN 0;
  END IF;
  PERFORM pg_advisory_xact_lock(7301002);
  -- After the lock: a writer that computed these loans for a later date has committed by now.
  PERFORM refuse_stale_as_of('recompute_loans', p_loan_ids, p_as_of);
  v_count := recompute_loan_fields(p_loan_ids, p_as_of);
  PERFORM refresh_par(p_loan_ids, p_as_of);
  RETURN v_count;
END
$fn$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION recompute_open_loans(p_as_of date, p_skip varchar[] DEFAULT '{}') RETURNS integer
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
  -- After the lock, over the loans it would move: those set aside keep their date whatever it is.
  PERFORM refuse_stale_as_of('recompute_open_loans', v_ids, p_as_of);
  v_count := CASE WHEN v_ids IS NULL THEN 0 ELSE recompute_loan_fields(v_ids, p_as_of) END;
  PERFORM refresh_par(NULL, p_as_of);
  RETURN v_count;
END
$fn$;
