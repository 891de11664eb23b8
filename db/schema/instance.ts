import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Secrets shared by every instance on one database, generated once by whichever starts first
 * (INSERT … ON CONFLICT DO NOTHING, then read): today the session signing key when AUTH_SECRET is unset.
 */
export const instanceSecrets = pgTable('instance_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
