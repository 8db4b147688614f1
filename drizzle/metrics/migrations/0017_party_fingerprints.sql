ALTER TABLE "customers" ADD COLUMN "django_fingerprint" text;--> statement-breakpoint
ALTER TABLE "officers" ADD COLUMN "django_fingerprint" text;