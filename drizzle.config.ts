// drizzle-kit generates seedsmetrics migrations from drizzle/metrics/schema.ts; Django's tables are never migrated.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './drizzle/metrics/schema.ts',
  out: process.env.DRIZZLE_OUT ?? './drizzle/metrics/migrations',
});
