import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// TEST_DATABASE_URL (or DATABASE_URL) → real PostgreSQL; otherwise an embedded PGlite per worker process.
if (process.env.TEST_DATABASE_URL) process.env.DATABASE_URL = process.env.TEST_DATABASE_URL;
if (!process.env.TROVE_TEST_DATA_DIR) {
  process.env.TROVE_TEST_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), `trove-test-${process.pid}-`));
}
process.env.DATA_DIR = process.env.TROVE_TEST_DATA_DIR;
process.env.AUTH_SECRET ??= 'test-secret-test-secret-test-secret';

// TEST_STORAGE_DRIVER=s3: every suite stores its blobs in s3rver (one per worker, a free port, a
// prefix per worker) instead of DATA_DIR/blobs — the same tests on the other driver.
if (process.env.TEST_STORAGE_DRIVER === 's3' && !process.env.S3_ENDPOINT) {
  const { startS3rver } = await import('../../scripts/lib/s3rver.mjs');
  const s = await startS3rver({ port: 0, buckets: ['trove-test'] });
  Object.assign(process.env, s.env('trove-test', { S3_PREFIX: `w${process.pid}` }));
}
