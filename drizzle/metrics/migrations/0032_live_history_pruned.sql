-- How far a live feed's history was pruned (PAR_CHANGES_RETENTION_DAYS, src/engine/retention.ts): every row of the
-- feed's table with an id up to through_id is gone, so parChanged refuses a `since` before it instead of replaying
-- with a silent gap.
CREATE TABLE "live_history_pruned" (
	"feed" varchar(20) PRIMARY KEY NOT NULL,
	"through_id" bigint NOT NULL,
	"pruned_at" timestamp with time zone DEFAULT now() NOT NULL
);
