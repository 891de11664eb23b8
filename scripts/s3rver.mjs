// `node scripts/s3rver.mjs` — s3rver on 127.0.0.1:S3RVER_PORT (default 3148) for browser tests and
// manual runs, buckets S3RVER_BUCKETS (comma-separated, default "trove"), data in S3RVER_DIR (default a
// temp folder, removed on exit).
import { startS3rver } from './lib/s3rver.mjs';

const s = await startS3rver({
  port: Number(process.env.S3RVER_PORT || 3148),
  directory: process.env.S3RVER_DIR || undefined,
  buckets: (process.env.S3RVER_BUCKETS || 'trove').split(',').filter(Boolean),
});
console.log(`s3rver: ready on ${s.endpoint} (access key and secret: S3RVER)`);
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => void s.stop().finally(() => process.exit(0)));
