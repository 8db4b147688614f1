CREATE TABLE "audit_tracking" (
	"audit_id" serial PRIMARY KEY NOT NULL,
	"officer_id" varchar(50),
	"assignee_id" varchar(50),
	"assignee_name" varchar(255),
	"assigned_date" date,
	"audit_status" varchar(50),
	"status_changed_date" date,
	"last_audit_date" date,
	"audit_notes" text,
	"risk_level" varchar(50),
	"action_type" varchar(50),
	"action_date" date,
	"action_notes" text,
	"created_at" timestamp DEFAULT now(),
	"updated_at" timestamp DEFAULT now()
);
--> statement-breakpoint
CREATE TABLE "branch_metrics_daily" (
	"id" serial PRIMARY KEY NOT NULL,
	"branch" varchar(100) NOT NULL,
	"region" varchar(100),
	"calculation_date" date NOT NULL,
	"portfolio_total" numeric(15, 2),
	"active_loans" integer,
	"total_officers" integer,
	"overdue_15d" numeric(15, 2),
	"par15_ratio" numeric(10, 6),
	"ayr" numeric(10, 6),
	"dqi" integer,
	"fimr" numeric(10, 6),
	"calculated_at" timestamp DEFAULT now()
);
--> statement-breakpoint
CREATE TABLE "business_clock" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"offset_days" integer DEFAULT 0 NOT NULL,
	"last_recompute_date" date,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "business_clock_singleton" CHECK ("business_clock"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"customer_id" varchar(50) PRIMARY KEY NOT NULL,
	"customer_name" varchar(255) NOT NULL,
	"customer_phone" varchar(20),
	"customer_email" varchar(255),
	"date_of_birth" date,
	"gender" varchar(20),
	"state" varchar(100),
	"lga" varchar(100),
	"address" text,
	"kyc_status" varchar(50),
	"kyc_verified_date" date,
	"created_at" timestamp DEFAULT now(),
	"updated_at" timestamp DEFAULT now()
);
--> statement-breakpoint
CREATE TABLE "dpd_transitions" (
	"transition_id" bigserial PRIMARY KEY NOT NULL,
	"loan_id" varchar(50) NOT NULL,
	"officer_id" varchar(50) NOT NULL,
	"branch" varchar(100),
	"region" varchar(100),
	"transition_date" date NOT NULL,
	"from_dpd_bucket" varchar(10) NOT NULL,
	"to_dpd_bucket" varchar(10) NOT NULL,
	"dpd_before" integer NOT NULL,
	"dpd_after" integer NOT NULL,
	"outstanding_balance" numeric(15, 2) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "holiday" (
	"id" bigint PRIMARY KEY NOT NULL,
	"date" date,
	"name" varchar(255),
	"type" varchar(255) NOT NULL,
	"agent_id" bigint,
	"branch_id" bigint,
	"created_by_id" bigint,
	"salary_waver" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone,
	"updated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "loan_dpd_daily" (
	"loan_id" varchar(50) NOT NULL,
	"snapshot_date" date NOT NULL,
	"current_dpd" integer NOT NULL,
	"dpd_bucket" varchar(10) NOT NULL,
	"principal_outstanding" numeric(15, 2) NOT NULL,
	"actual_outstanding" numeric(15, 2) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loan_dpd_daily_loan_id_snapshot_date_pk" PRIMARY KEY("loan_id","snapshot_date")
);
--> statement-breakpoint
CREATE TABLE "loan_schedule" (
	"schedule_id" serial PRIMARY KEY NOT NULL,
	"loan_id" varchar(50) NOT NULL,
	"installment_number" integer NOT NULL,
	"due_date" date,
	"principal_due" numeric(15, 2),
	"interest_due" numeric(15, 2),
	"fee_due" numeric(15, 2),
	"total_due" numeric(15, 2),
	"amount_paid" numeric(15, 2),
	"payment_status" varchar(50) DEFAULT 'Pending',
	"payment_date" date,
	"django_schedule_id" varchar(50),
	"django_updated_at" timestamp with time zone,
	"created_at" timestamp DEFAULT now(),
	"updated_at" timestamp DEFAULT now()
);
--> statement-breakpoint
CREATE TABLE "loans" (
	"loan_id" varchar(50) PRIMARY KEY NOT NULL,
	"customer_id" varchar(50) NOT NULL,
	"customer_name" varchar(255) NOT NULL,
	"customer_phone" varchar(20),
	"officer_id" varchar(50) NOT NULL,
	"officer_name" varchar(255) NOT NULL,
	"officer_phone" varchar(20),
	"region" varchar(100) NOT NULL,
	"branch" varchar(100) NOT NULL,
	"state" varchar(100),
	"vertical_lead_name" varchar(255),
	"vertical_lead_email" varchar(255),
	"loan_amount" numeric(15, 2) NOT NULL,
	"repayment_amount" numeric(15, 2),
	"disbursement_date" date NOT NULL,
	"first_payment_due_date" date,
	"maturity_date" date NOT NULL,
	"loan_term_days" integer NOT NULL,
	"interest_rate" numeric(5, 4),
	"fee_amount" numeric(15, 2),
	"channel" varchar(50) NOT NULL,
	"channel_partner" varchar(100),
	"status" varchar(50) NOT NULL,
	"django_status" varchar(100),
	"performance_status" varchar(100),
	"loan_type" varchar(100),
	"verification_status" varchar(100),
	"closed_date" date,
	"wave" varchar(10) DEFAULT 'Wave 2',
	"current_dpd" integer DEFAULT 0,
	"previous_dpd" integer,
	"max_dpd_ever" integer DEFAULT 0,
	"first_payment_missed" boolean DEFAULT false,
	"first_payment_received_date" date,
	"principal_outstanding" numeric(15, 2) DEFAULT '0',
	"interest_outstanding" numeric(15, 2) DEFAULT '0',
	"fees_outstanding" numeric(15, 2) DEFAULT '0',
	"total_outstanding" numeric(15, 2) DEFAULT '0',
	"actual_outstanding" numeric(15, 2) DEFAULT '0',
	"total_principal_paid" numeric(15, 2) DEFAULT '0',
	"total_interest_paid" numeric(15, 2) DEFAULT '0',
	"total_fees_paid" numeric(15, 2) DEFAULT '0',
	"total_repayments" numeric(15, 2) DEFAULT '0',
	"fimr_tagged" boolean DEFAULT false,
	"early_indicator_tagged" boolean DEFAULT false,
	"days_since_last_repayment" integer DEFAULT 0,
	"days_since_due" integer DEFAULT 0,
	"loan_age" integer DEFAULT 0,
	"daily_repayment_amount" numeric(15, 2) DEFAULT '0',
	"repayment_days_paid" numeric(10, 2) DEFAULT '0',
	"repayment_days_due_today" integer DEFAULT 0,
	"real_loan_tenure_days" integer DEFAULT 0,
	"business_days_since_disbursement" integer DEFAULT 0,
	"repayment_delay_rate" numeric(8, 2),
	"timeliness_score" numeric(5, 2),
	"repayment_health" numeric(5, 2),
	"dpd_bucket" varchar(10) DEFAULT '0' NOT NULL,
	"last_payment_date" date,
	"counted_repayments_count" integer DEFAULT 0 NOT NULL,
	"computed_as_of" date,
	"django_updated_at" timestamp with time zone,
	"created_at" timestamp DEFAULT now(),
	"updated_at" timestamp DEFAULT now(),
	CONSTRAINT "loans_wave_check" CHECK ("loans"."wave" IN ('Wave 1', 'Wave 2')),
	CONSTRAINT "loans_timeliness_score_check" CHECK ("loans"."timeliness_score" BETWEEN 0 AND 100),
	CONSTRAINT "loans_repayment_health_check" CHECK ("loans"."repayment_health" BETWEEN 0 AND 100)
);
--> statement-breakpoint
CREATE TABLE "metric_calculation_log" (
	"id" serial PRIMARY KEY NOT NULL,
	"calculation_type" varchar(100),
	"calculation_date" date,
	"start_time" timestamp,
	"end_time" timestamp,
	"duration_ms" integer,
	"records_processed" integer,
	"records_updated" integer,
	"records_failed" integer,
	"status" varchar(50),
	"error_message" text
);
--> statement-breakpoint
CREATE TABLE "officer_hierarchy" (
	"officer_email" varchar(255) PRIMARY KEY NOT NULL,
	"customer_user_id" varchar(50),
	"region" varchar(100) NOT NULL,
	"branch" varchar(100) NOT NULL,
	"supervisor_email" varchar(255),
	"supervisor_name" varchar(255),
	"vertical_lead_email" varchar(255),
	"vertical_lead_name" varchar(255),
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "officer_metrics_daily" (
	"id" serial PRIMARY KEY NOT NULL,
	"officer_id" varchar(50) NOT NULL,
	"calculation_date" date NOT NULL,
	"total_portfolio" numeric(15, 2),
	"active_loans" integer,
	"overdue_15d_amount" numeric(15, 2),
	"par15_ratio" numeric(10, 6),
	"fimr" numeric(10, 6),
	"roll" numeric(10, 6),
	"ayr" numeric(10, 6),
	"dqi" integer,
	"porr" numeric(10, 6),
	"risk_score" integer,
	"risk_band" varchar(20),
	"repayment_delay_rate" numeric(8, 2),
	"calculated_at" timestamp DEFAULT now()
);
--> statement-breakpoint
CREATE TABLE "officers" (
	"officer_id" varchar(50) PRIMARY KEY NOT NULL,
	"officer_name" varchar(255) NOT NULL,
	"officer_phone" varchar(20),
	"officer_email" varchar(255),
	"region" varchar(100) NOT NULL,
	"branch" varchar(100) NOT NULL,
	"employment_status" varchar(50) DEFAULT 'Active',
	"hire_date" date,
	"termination_date" date,
	"primary_channel" varchar(50),
	"user_type" varchar(100),
	"supervisor_email" varchar(255),
	"supervisor_name" varchar(255),
	"vertical_lead_email" varchar(255),
	"vertical_lead_name" varchar(255),
	"is_active_in_django" boolean DEFAULT true NOT NULL,
	"hierarchy_curated" boolean DEFAULT false NOT NULL,
	"created_at" timestamp DEFAULT now(),
	"updated_at" timestamp DEFAULT now()
);
--> statement-breakpoint
CREATE TABLE "par15_snapshots" (
	"id" serial PRIMARY KEY NOT NULL,
	"officer_id" varchar(50) NOT NULL,
	"snapshot_date" date NOT NULL,
	"par15_exposure" numeric(15, 2),
	"par15_count" integer,
	"created_at" timestamp DEFAULT now()
);
--> statement-breakpoint
CREATE TABLE "par_changes" (
	"change_id" bigserial PRIMARY KEY NOT NULL,
	"scope" varchar(20) NOT NULL,
	"scope_key" varchar(255) NOT NULL,
	"business_date" date NOT NULL,
	"portfolio_before" numeric(15, 2) NOT NULL,
	"portfolio_after" numeric(15, 2) NOT NULL,
	"par15_before" numeric(15, 2) NOT NULL,
	"par15_after" numeric(15, 2) NOT NULL,
	"par30_before" numeric(15, 2) NOT NULL,
	"par30_after" numeric(15, 2) NOT NULL,
	"par60_before" numeric(15, 2) NOT NULL,
	"par60_after" numeric(15, 2) NOT NULL,
	"par90_before" numeric(15, 2) NOT NULL,
	"par90_after" numeric(15, 2) NOT NULL,
	"ratio15_before" numeric(12, 8) NOT NULL,
	"ratio15_after" numeric(12, 8) NOT NULL,
	"ratio30_before" numeric(12, 8) NOT NULL,
	"ratio30_after" numeric(12, 8) NOT NULL,
	"ratio60_before" numeric(12, 8) NOT NULL,
	"ratio60_after" numeric(12, 8) NOT NULL,
	"ratio90_before" numeric(12, 8) NOT NULL,
	"ratio90_after" numeric(12, 8) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "par_current" (
	"scope" varchar(20) NOT NULL,
	"scope_key" varchar(255) NOT NULL,
	"portfolio" numeric(15, 2) NOT NULL,
	"par15" numeric(15, 2) NOT NULL,
	"par30" numeric(15, 2) NOT NULL,
	"par60" numeric(15, 2) NOT NULL,
	"par90" numeric(15, 2) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "par_current_scope_scope_key_pk" PRIMARY KEY("scope","scope_key")
);
--> statement-breakpoint
CREATE TABLE "repayments" (
	"repayment_id" varchar(50) PRIMARY KEY NOT NULL,
	"loan_id" varchar(50) NOT NULL,
	"payment_date" date,
	"payment_amount" numeric(15, 2) NOT NULL,
	"principal_paid" numeric(15, 2) DEFAULT '0',
	"interest_paid" numeric(15, 2) DEFAULT '0',
	"fees_paid" numeric(15, 2) DEFAULT '0',
	"penalty_paid" numeric(15, 2) DEFAULT '0',
	"waiver_amount" numeric(15, 2) DEFAULT '0',
	"payment_method" varchar(50),
	"payment_reference" varchar(100),
	"payment_channel" varchar(50),
	"dpd_at_payment" integer DEFAULT 0,
	"is_backdated" boolean DEFAULT false,
	"is_reversed" boolean DEFAULT false,
	"reversal_date" date,
	"reversal_reason" text,
	"waiver_type" varchar(50),
	"waiver_approved_by" varchar(100),
	"marked_as" varchar(255),
	"applied_to_loan" boolean,
	"paid_at" timestamp with time zone,
	"django_updated_at" timestamp with time zone,
	"is_counted" boolean GENERATED ALWAYS AS (payment_date IS NOT NULL AND payment_amount > 0 AND is_reversed IS NOT TRUE AND applied_to_loan IS NOT FALSE) STORED NOT NULL,
	"created_at" timestamp DEFAULT now(),
	"updated_at" timestamp DEFAULT now()
);
--> statement-breakpoint
CREATE TABLE "sync_rejects" (
	"entity" varchar(50) NOT NULL,
	"django_id" varchar(50) NOT NULL,
	"reason" text NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"seen_count" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "sync_rejects_entity_django_id_pk" PRIMARY KEY("entity","django_id")
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"run_id" bigserial PRIMARY KEY NOT NULL,
	"kind" varchar(30) NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"rows_written" integer DEFAULT 0 NOT NULL,
	"loans_recomputed" integer DEFAULT 0 NOT NULL,
	"errors_count" integer DEFAULT 0 NOT NULL,
	"newest_django_change_at" timestamp with time zone,
	"error_message" text
);
--> statement-breakpoint
CREATE TABLE "sync_tracking" (
	"sync_id" serial PRIMARY KEY NOT NULL,
	"entity_type" varchar(50) NOT NULL,
	"last_sync_timestamp" timestamp,
	"last_synced_record_id" varchar(50),
	"sync_count" integer DEFAULT 0,
	"last_sync_duration_ms" integer,
	"last_sync_records_count" integer,
	"last_sync_errors_count" integer,
	"created_at" timestamp DEFAULT now(),
	"updated_at" timestamp DEFAULT now(),
	CONSTRAINT "sync_tracking_entity_type_unique" UNIQUE("entity_type")
);
--> statement-breakpoint
CREATE TABLE "sync_watermarks" (
	"entity" varchar(50) PRIMARY KEY NOT NULL,
	"max_id" bigint DEFAULT 0 NOT NULL,
	"max_updated_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "team_members" (
	"member_id" varchar(50) PRIMARY KEY NOT NULL,
	"member_name" varchar(255) NOT NULL,
	"member_email" varchar(255),
	"member_phone" varchar(20),
	"role" varchar(100),
	"department" varchar(100),
	"is_active" boolean DEFAULT true,
	"created_at" timestamp DEFAULT now(),
	"updated_at" timestamp DEFAULT now()
);
--> statement-breakpoint
ALTER TABLE "audit_tracking" ADD CONSTRAINT "audit_tracking_officer_id_officers_officer_id_fk" FOREIGN KEY ("officer_id") REFERENCES "public"."officers"("officer_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loan_dpd_daily" ADD CONSTRAINT "loan_dpd_daily_loan_id_loans_loan_id_fk" FOREIGN KEY ("loan_id") REFERENCES "public"."loans"("loan_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loan_schedule" ADD CONSTRAINT "loan_schedule_loan_id_loans_loan_id_fk" FOREIGN KEY ("loan_id") REFERENCES "public"."loans"("loan_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loans" ADD CONSTRAINT "loans_customer_id_customers_customer_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("customer_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loans" ADD CONSTRAINT "loans_officer_id_officers_officer_id_fk" FOREIGN KEY ("officer_id") REFERENCES "public"."officers"("officer_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repayments" ADD CONSTRAINT "repayments_loan_id_loans_loan_id_fk" FOREIGN KEY ("loan_id") REFERENCES "public"."loans"("loan_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "branch_metrics_daily_branch_date_key" ON "branch_metrics_daily" USING btree ("branch","calculation_date");--> statement-breakpoint
CREATE INDEX "idx_dpd_transitions_loan" ON "dpd_transitions" USING btree ("loan_id");--> statement-breakpoint
CREATE INDEX "idx_dpd_transitions_officer" ON "dpd_transitions" USING btree ("officer_id","transition_id");--> statement-breakpoint
CREATE INDEX "idx_dpd_transitions_branch" ON "dpd_transitions" USING btree ("branch","transition_id");--> statement-breakpoint
CREATE INDEX "idx_loan_dpd_daily_date" ON "loan_dpd_daily" USING btree ("snapshot_date");--> statement-breakpoint
CREATE UNIQUE INDEX "loan_schedule_loan_installment_key" ON "loan_schedule" USING btree ("loan_id","installment_number");--> statement-breakpoint
CREATE UNIQUE INDEX "loan_schedule_django_id_key" ON "loan_schedule" USING btree ("django_schedule_id");--> statement-breakpoint
CREATE INDEX "idx_loans_officer" ON "loans" USING btree ("officer_id");--> statement-breakpoint
CREATE INDEX "idx_loans_customer" ON "loans" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "idx_loans_branch" ON "loans" USING btree ("branch");--> statement-breakpoint
CREATE INDEX "idx_loans_region" ON "loans" USING btree ("region");--> statement-breakpoint
CREATE INDEX "idx_loans_wave" ON "loans" USING btree ("wave");--> statement-breakpoint
CREATE INDEX "idx_loans_status" ON "loans" USING btree ("status");--> statement-breakpoint
CREATE INDEX "idx_loans_django_status" ON "loans" USING btree ("django_status");--> statement-breakpoint
CREATE INDEX "idx_loans_performance_status" ON "loans" USING btree ("performance_status");--> statement-breakpoint
CREATE INDEX "idx_loans_loan_type" ON "loans" USING btree ("loan_type");--> statement-breakpoint
CREATE INDEX "idx_loans_verification_status" ON "loans" USING btree ("verification_status");--> statement-breakpoint
CREATE INDEX "idx_loans_disbursement_date" ON "loans" USING btree ("disbursement_date","loan_id");--> statement-breakpoint
CREATE INDEX "idx_loans_current_dpd" ON "loans" USING btree ("current_dpd","loan_id");--> statement-breakpoint
CREATE INDEX "idx_loans_days_since_due" ON "loans" USING btree ("days_since_due");--> statement-breakpoint
CREATE INDEX "idx_loans_actual_outstanding" ON "loans" USING btree ("actual_outstanding");--> statement-breakpoint
CREATE INDEX "idx_loans_total_repayments" ON "loans" USING btree ("total_repayments");--> statement-breakpoint
CREATE INDEX "idx_loans_repayment_amount" ON "loans" USING btree ("repayment_amount");--> statement-breakpoint
CREATE INDEX "idx_loans_vertical_lead" ON "loans" USING btree ("vertical_lead_email");--> statement-breakpoint
CREATE INDEX "idx_loans_customer_phone" ON "loans" USING btree ("customer_phone");--> statement-breakpoint
CREATE INDEX "idx_loans_fimr" ON "loans" USING btree ("loan_id") WHERE "loans"."fimr_tagged";--> statement-breakpoint
CREATE INDEX "idx_loans_early_indicator" ON "loans" USING btree ("loan_id") WHERE "loans"."early_indicator_tagged";--> statement-breakpoint
CREATE UNIQUE INDEX "officer_metrics_daily_officer_date_key" ON "officer_metrics_daily" USING btree ("officer_id","calculation_date");--> statement-breakpoint
CREATE INDEX "idx_officers_region" ON "officers" USING btree ("region");--> statement-breakpoint
CREATE INDEX "idx_officers_branch" ON "officers" USING btree ("branch");--> statement-breakpoint
CREATE INDEX "idx_officers_email" ON "officers" USING btree ("officer_email");--> statement-breakpoint
CREATE INDEX "idx_officers_user_type" ON "officers" USING btree ("user_type");--> statement-breakpoint
CREATE INDEX "idx_officers_vertical_lead" ON "officers" USING btree ("vertical_lead_email");--> statement-breakpoint
CREATE UNIQUE INDEX "par15_snapshots_officer_date_key" ON "par15_snapshots" USING btree ("officer_id","snapshot_date");--> statement-breakpoint
CREATE INDEX "idx_par_changes_scope" ON "par_changes" USING btree ("scope","scope_key","change_id");--> statement-breakpoint
CREATE INDEX "idx_repayments_loan" ON "repayments" USING btree ("loan_id");--> statement-breakpoint
CREATE INDEX "idx_repayments_payment_date" ON "repayments" USING btree ("payment_date");--> statement-breakpoint
CREATE INDEX "idx_repayments_loan_date" ON "repayments" USING btree ("loan_id","payment_date");--> statement-breakpoint
CREATE INDEX "idx_repayments_backdated" ON "repayments" USING btree ("repayment_id") WHERE "repayments"."is_backdated";--> statement-breakpoint
CREATE INDEX "idx_repayments_reversed" ON "repayments" USING btree ("repayment_id") WHERE "repayments"."is_reversed";--> statement-breakpoint
CREATE INDEX "idx_sync_runs_started" ON "sync_runs" USING btree ("started_at");