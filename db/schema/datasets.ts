import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { teams } from './teams';
import { users } from './users';

export const datasets = pgTable(
  'datasets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    readOnly: boolean('read_only').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('datasets_owner_name_key').on(t.ownerId, sql`lower(${t.name})`),
    index('datasets_updated_idx').on(t.updatedAt),
  ],
);

export const datasetRole = pgEnum('dataset_role', ['viewer', 'editor', 'manager']);

/** Access for exactly one user or one team; expired grants grant nothing. */
export const datasetGrants = pgTable(
  'dataset_grants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    datasetId: uuid('dataset_id').notNull().references(() => datasets.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'cascade' }),
    role: datasetRole('role').notNull(),
    grantedBy: uuid('granted_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('dataset_grants_one_subject', sql`(${t.userId} is null) <> (${t.teamId} is null)`),
    uniqueIndex('dataset_grants_user_key').on(t.datasetId, t.userId),
    uniqueIndex('dataset_grants_team_key').on(t.datasetId, t.teamId),
    index('dataset_grants_user_idx').on(t.userId),
    index('dataset_grants_team_idx').on(t.teamId),
  ],
);

export const entryKind = pgEnum('entry_kind', ['file', 'folder']);

/** One file or folder of a dataset's tree, addressed by its normalized path ("a/b/c.csv"). */
export const entries = pgTable(
  'entries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    datasetId: uuid('dataset_id').notNull().references(() => datasets.id, { onDelete: 'cascade' }),
    path: text('path').notNull(),
    parent: text('parent').notNull(), // '' for the root
    name: text('name').notNull(),
    kind: entryKind('kind').notNull(),
    size: bigint('size', { mode: 'number' }).notNull().default(0),
    contentType: text('content_type'),
    sha256: text('sha256'),
    storageKey: text('storage_key'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    /** Who wrote the file's current bytes (null: as created_by). */
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('entries_dataset_path_key').on(t.datasetId, t.path),
    // S3 listings walk a dataset in key order (a folder's key is "<path>/"), byte order: lib/s3/listing.ts.
    index('entries_s3_key_idx').on(t.datasetId, sql`(case when ${t.kind} = 'folder' then ${t.path} || '/' else ${t.path} end) collate "C"`),
    // A folder's page in each sort order (folders and files are paged separately, so kind leads):
    // a folder of 100,000 files opens as fast as one of 10.
    index('entries_folder_name_idx').on(t.datasetId, t.parent, t.kind, t.name),
    index('entries_folder_size_idx').on(t.datasetId, t.parent, t.kind, t.size, t.name),
    index('entries_folder_modified_idx').on(t.datasetId, t.parent, t.kind, t.updatedAt, t.name),
    // "Search files" (path contains, case-insensitive): trigram index (pg_trgm, also in PGlite).
    index('entries_path_trgm_idx').using('gin', sql`${t.path} gin_trgm_ops`),
  ],
);
