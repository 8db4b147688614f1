-- The live feeds (src/events) deliver dpd_transitions and par_changes in id order and resume from the last id a client
-- saw: that holds only while ids commit in the order they were allocated. A lower id committed after a higher one was
-- delivered is skipped live (the bridge reads from its last delivered id), by every resume from the higher id and by a
-- history walked with endCursor. The engine writes both tables under the transaction-level advisory lock 7301002; this
-- makes every writer do so (a repair by hand, a script, a future second writer): a statement-level BEFORE INSERT
-- trigger takes the lock before the statement allocates any id (column defaults are evaluated per row, after the
-- statement's BEFORE triggers) and keeps it until commit, so a second writer waits, then allocates higher ids and
-- commits after. Within the engine the lock is already held: taking it again costs nothing.
CREATE OR REPLACE FUNCTION events_insert_in_id_order() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_advisory_xact_lock(7301002);
  RETURN NULL;
END
$fn$;
--> statement-breakpoint
CREATE TRIGGER dpd_transitions_insert_in_id_order BEFORE INSERT ON dpd_transitions
  FOR EACH STATEMENT EXECUTE FUNCTION events_insert_in_id_order();
--> statement-breakpoint
CREATE TRIGGER par_changes_insert_in_id_order BEFORE INSERT ON par_changes
  FOR EACH STATEMENT EXECUTE FUNCTION events_insert_in_id_order();
