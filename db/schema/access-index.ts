import { boolean, index, pgTable, primaryKey, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { datasets } from './datasets';
import { users } from './users';

/**
 * The access index: one row per user × dataset they can reach, with their effective role and the
 * inventory's sort and search keys. Derived data owned by lib/access.ts, maintained by database
 * triggers (migration 0013) in the same transaction as every change to datasets, grants and team
 * membership, so no code path can forget it; `dataset_access_rebuild()` recomputes it from scratch.
 * A row is trusted only until `valid_until` (the earliest expiry among the grants it counts);
 * readers recompute rows past it. Its inventory indexes (with INCLUDE columns) are in migration 0013.
 */
export const datasetAccess = pgTable(
  'dataset_access',
  {
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    datasetId: uuid('dataset_id').notNull().references(() => datasets.id, { onDelete: 'cascade' }),
    rank: smallint('rank').notNull(), // 1 viewer, 2 editor, 3 manager, 4 owner
    direct: boolean('direct').notNull(), // an active direct grant counts
    viaTeam: boolean('via_team').notNull(), // an active team grant counts
    owned: boolean('owned').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(), // datasets.updated_at
    name: text('name').notNull(), // datasets.name
    validUntil: timestamp('valid_until', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.datasetId] }), index('dataset_access_dataset_idx').on(t.datasetId)],
);
