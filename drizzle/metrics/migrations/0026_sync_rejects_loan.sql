ALTER TABLE "sync_rejects" ADD COLUMN "loan_id" varchar(50);--> statement-breakpoint
CREATE INDEX "idx_sync_rejects_loan" ON "sync_rejects" USING btree ("loan_id") WHERE loan_id IS NOT NULL;--> statement-breakpoint
-- Reports recorded before this migration: a kept repayment's loan is its copy's; a repayment not copied gets its
-- loan when the sync next sees another version of it.
UPDATE "sync_rejects" s SET "loan_id" = r."loan_id" FROM "repayments" r WHERE s."entity" = 'repayments' AND s."django_id" = r."repayment_id";
