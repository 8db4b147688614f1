-- officer_portfolio_totals taken afresh from loans, by the statement the triggers use (0020): the repair for a
-- table that drifted (loans written while triggers were off), and what `npm run validate` compares the table with
-- inside a transaction it rolls back. Returns the rows written. Locks every totals row until its transaction ends.
CREATE OR REPLACE FUNCTION rebuild_officer_totals() RETURNS integer
LANGUAGE plpgsql SET jit = off AS $fn$
DECLARE
  v_rows integer;
BEGIN
  DELETE FROM officer_portfolio_totals;
  EXECUTE officer_totals_delta_sql('SELECT 1 AS sign, l.* FROM loans l');
  GET DIAGNOSTICS v_rows = ROW_COUNT;
  RETURN v_rows;
END
$fn$;
