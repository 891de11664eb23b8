import { boolean, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { datasets } from './datasets';
import { users } from './users';

/**
 * S3 access keys: a way to be a user, narrowed (read-only, one dataset). The secret is stored
 * encrypted (AES-256-GCM under a key derived from AUTH_SECRET), since SigV4 needs it in clear to
 * check signatures. Revoking deletes the row.
 */
export const accessKeys = pgTable(
  'access_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    accessKeyId: text('access_key_id').notNull(),
    secretEncrypted: text('secret_encrypted').notNull(),
    readOnly: boolean('read_only').notNull().default(false),
    // null: every dataset the user can reach, now or later.
    datasetId: uuid('dataset_id').references(() => datasets.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('access_keys_key_id_key').on(t.accessKeyId), index('access_keys_user_idx').on(t.userId)],
);
