import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Blobs to delete in the background (a dataset's files after its deletion): written in the deleting
 * transaction, removed once the blob is gone, so a crash in between only delays the delete. The
 * column is `key`, not `storage_key`: a queued blob is not a reference (see lib/storage/references.ts).
 */
export const blobDeletions = pgTable(
  'blob_deletions',
  {
    key: text('key').primaryKey(),
    enqueuedAt: timestamp('enqueued_at', { withTimezone: true }).notNull().defaultNow(),
    // Claimed rows move this forward (a lease); failures move it by a backoff.
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [index('blob_deletions_due_idx').on(t.nextAttemptAt)],
);

/**
 * Blobs that `trove storage check --repair` found gone from storage while rows still name them: a
 * file whose key is here answers 404 at once. Keyed by blob, so a file that gets new bytes (an upload,
 * a restored version) is unaffected; a mark whose blob is back (restored from a backup) is cleared.
 */
export const missingBlobs = pgTable('missing_blobs', {
  key: text('key').primaryKey(),
  foundAt: timestamp('found_at', { withTimezone: true }).notNull().defaultNow(),
});
