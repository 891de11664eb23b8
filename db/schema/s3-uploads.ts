import { bigint, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { datasets } from './datasets';
import { users } from './users';

/** S3 multipart uploads in progress: parts are stored blobs until Complete streams them into one file. */
export const s3Uploads = pgTable(
  's3_uploads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    datasetId: uuid('dataset_id').notNull().references(() => datasets.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    path: text('path').notNull(),
    contentType: text('content_type'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
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
