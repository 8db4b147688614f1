-- officer_portfolios (0007/0008) is withdrawn: refreshing it in every transaction that writes loans added ~0.3 s to
-- an incremental sync cycle of 1,000 repayments (over the 1 s target) and ~10 s to the initial load (over 60 s),
-- for ~5 ms on officer lists. The officer metrics are computed per request again (BENCHMARKS.md).
DROP TRIGGER IF EXISTS loans_refresh_portfolios_on_insert ON loans;
--> statement-breakpoint
DROP TRIGGER IF EXISTS loans_refresh_portfolios_on_update ON loans;
--> statement-breakpoint
DROP TRIGGER IF EXISTS loans_refresh_portfolios_on_delete ON loans;
--> statement-breakpoint
DROP TRIGGER IF EXISTS officers_refresh_portfolios_on_insert ON officers;
--> statement-breakpoint
DROP FUNCTION IF EXISTS officers_of_changed_rows_refresh_portfolios();
--> statement-breakpoint
DROP FUNCTION IF EXISTS refresh_officer_portfolios(varchar[]);
--> statement-breakpoint
DROP TABLE "officer_portfolios" CASCADE;
