import { bigint, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { datasets } from './datasets';
import { users } from './users';

/**
 * Uploads in parts, in progress: S3 multipart uploads (kind 's3') and the browser's resumable upload
 * sessions (kind 'browser', lib/upload-sessions.ts). Parts are stored blobs until Complete streams them,
 * in order, through lib/files.ts uploadFile into one file; Abort or the storage sweep drops them.
 */
export const s3Uploads = pgTable(
  's3_uploads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    datasetId: uuid('dataset_id').notNull().references(() => datasets.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    path: text('path').notNull(),
    contentType: text('content_type'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    kind: text('kind', { enum: ['s3', 'browser'] }).notNull().default('s3'),
    /** Browser sessions: the file's size, declared up front (parts must add up to it exactly). */
    size: bigint('size', { mode: 'number' }),
    /** Browser sessions: the client's batch id, so a folder upload stays one activity line. */
    batch: text('batch'),
    /** Last part stored (or creation): the sweep drops browser sessions idle for a day. */
    touchedAt: timestamp('touched_at', { withTimezone: true }).notNull().defaultNow(),
    /** Set while Complete streams the parts into the file: parts and a second Complete are refused meanwhile. */
    completingAt: timestamp('completing_at', { withTimezone: true }),
  },
  (t) => [index('s3_uploads_dataset_idx').on(t.datasetId, t.path)],
);

export const s3UploadParts = pgTable(
  's3_upload_parts',
  {
    uploadId: uuid('upload_id').notNull().references(() => s3Uploads.id, { onDelete: 'cascade' }),
    partNumber: integer('part_number').notNull(),
    storageKey: text('storage_key').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.uploadId, t.partNumber] })],
);
