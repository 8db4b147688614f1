ALTER TABLE "loans" ADD COLUMN "django_fingerprint" text;--> statement-breakpoint
ALTER TABLE "repayments" ADD COLUMN "django_fingerprint" text;