DROP INDEX "idx_loans_officer";--> statement-breakpoint
DROP INDEX "idx_repayments_payment_date";--> statement-breakpoint
CREATE INDEX "idx_loans_officer" ON "loans" USING btree ("officer_id","loan_id");--> statement-breakpoint
CREATE INDEX "idx_repayments_payment_date" ON "repayments" USING btree ("payment_date","loan_id","payment_amount","is_counted");