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
