ALTER TABLE "business_clock" ADD COLUMN "business_tz" text DEFAULT 'Africa/Lagos' NOT NULL;--> statement-breakpoint
ALTER TABLE "business_clock" ADD COLUMN "pinned_date" date;--> statement-breakpoint
ALTER TABLE "business_clock" ADD COLUMN "exclude_holidays" boolean DEFAULT false NOT NULL;