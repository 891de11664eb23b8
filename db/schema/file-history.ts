import { bigint, boolean, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { datasets, entryKind } from './datasets';
import { users } from './users';

/**
 * Earlier contents of a file: an overwrite moves the replaced bytes here (in the overwrite's
 * transaction), so no editor can destroy bytes. `entry_id` is the file's entries.id, or its
 * trashed_entries.id while the file is in the trash (no foreign key: the file moves between the two).
 */
export const fileVersions = pgTable(
  'file_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    datasetId: uuid('dataset_id').notNull().references(() => datasets.id, { onDelete: 'cascade' }),
    entryId: uuid('entry_id').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256'),
    storageKey: text('storage_key').notNull(),
    contentType: text('content_type'),
    /** Who wrote these bytes, and when (they were the file's content from then until replaced_at). */
    savedBy: uuid('saved_by').references(() => users.id, { onDelete: 'set null' }),
    savedAt: timestamp('saved_at', { withTimezone: true }).notNull(),
    replacedAt: timestamp('replaced_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('file_versions_entry_idx').on(t.entryId, t.replacedAt), index('file_versions_dataset_idx').on(t.datasetId), index('file_versions_replaced_idx').on(t.replacedAt)],
);

/**
 * The dataset's Trash: deleted entries moved out of `entries` (so listings, downloads, search,
 * previews, archives and S3 never see them), keeping their ids so their versions follow them back.
 * One deletion is one trash item (`trash_id`): the deleted file or folder (`root`) and everything under it.
 */
export const trashedEntries = pgTable(
  'trashed_entries',
  {
    id: uuid('id').primaryKey(),
    trashId: uuid('trash_id').notNull(),
    root: boolean('root').notNull().default(false),
    datasetId: uuid('dataset_id').notNull().references(() => datasets.id, { onDelete: 'cascade' }),
    path: text('path').notNull(),
    kind: entryKind('kind').notNull(),
    size: bigint('size', { mode: 'number' }).notNull().default(0),
    contentType: text('content_type'),
    sha256: text('sha256'),
    storageKey: text('storage_key'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    deletedBy: uuid('deleted_by').references(() => users.id, { onDelete: 'set null' }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('trashed_entries_dataset_idx').on(t.datasetId, t.trashId), index('trashed_entries_deleted_idx').on(t.deletedAt)],
);
