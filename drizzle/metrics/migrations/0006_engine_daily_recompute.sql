-- The start-up and after-midnight recompute (D9) without timers: recompute_if_new_business_day() runs
-- recompute_open_loans(business_today()) when business_today() differs from business_clock.last_recompute_date,
-- records the date in the same transaction and returns the number of loans recomputed; otherwise it returns
-- NULL and does nothing. Callers (the sync worker each cycle, the server at start-up) may call it as often as
-- they like: the advisory lock plus the row lock make concurrent callers run it once per business day, and a
-- clock moved backwards (demo, tests) also counts as a new day.

CREATE OR REPLACE FUNCTION recompute_if_new_business_day() RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
  v_today date;
  v_last date;
  v_count integer;
BEGIN
  PERFORM pg_advisory_xact_lock(7301002);
  INSERT INTO business_clock (id) VALUES (1) ON CONFLICT (id) DO NOTHING;
  SELECT c.last_recompute_date INTO v_last FROM business_clock c WHERE c.id = 1 FOR UPDATE;
  v_today := business_today();
  IF v_last IS NOT DISTINCT FROM v_today THEN
    RETURN NULL;
  END IF;
  v_count := recompute_open_loans(v_today);
  UPDATE business_clock SET last_recompute_date = v_today, updated_at = now() WHERE id = 1;
  RETURN v_count;
END
$fn$;
