import { bigint, pgTable, uuid } from 'drizzle-orm/pg-core';
import { datasets } from './datasets';

/**
 * A dataset's running totals, so no page counts or sums its files per request: the header, the
 * inventory and invitations read one row by primary key, whatever the dataset holds. Derived data,
 * maintained by statement-level triggers on entries, file_versions and trashed_entries (migration
 * 0015) in the transaction of every change, whichever code path makes it (browser, S3, restore,
 * Trash, sweep); a row is created with its dataset. `dataset_stats_rebuild()` recomputes them.
 */
export const datasetStats = pgTable('dataset_stats', {
  datasetId: uuid('dataset_id')
    .primaryKey()
    .references(() => datasets.id, { onDelete: 'cascade' }),
  /** Files in the dataset (entries of kind file). */
  fileCount: bigint('file_count', { mode: 'number' }).notNull().default(0),
  /** Their sizes. */
  fileBytes: bigint('file_bytes', { mode: 'number' }).notNull().default(0),
  /** Earlier versions and the Trash's files: stored bytes too, counted in the dataset's size. */
  historyBytes: bigint('history_bytes', { mode: 'number' }).notNull().default(0),
});
