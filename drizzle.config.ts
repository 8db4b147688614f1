// drizzle-kit generates seedsmetrics migrations from drizzle/metrics/schema.ts; Django's tables are never migrated.
// DRIZZLE_OUT is for the drift test alone (test/unit/generated-files.test.ts), which generates into a scratch copy:
// a tool's config file, not the gateway's, so src/config.ts does not read it.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './drizzle/metrics/schema.ts',
  out: process.env.DRIZZLE_OUT ?? './drizzle/metrics/migrations',
});
