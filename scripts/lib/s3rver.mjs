// An S3-compatible server for tests, benchmarks and fault scripts (s3rver from npm; no MinIO binary can
// be installed on these machines). Its only credentials are S3RVER / S3RVER.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const S3RVER_KEY = 'S3RVER';

/** Starts s3rver in this process on 127.0.0.1:port (0 = any free port) with the buckets made; returns the endpoint and stop(). */
export async function startS3rver({ port = 0, directory, buckets = ['trove'] } = {}) {
  const { default: S3rver } = await import('s3rver');
  const dir = directory ?? fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-'));
  const server = new S3rver({ port, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: buckets.map((name) => ({ name })) });
  const addr = await server.run();
  return {
    endpoint: `http://127.0.0.1:${addr.port}`,
    port: addr.port,
    directory: dir,
    /** Environment for the app (STORAGE_DRIVER=s3 against this server). */
    env: (bucket = buckets[0], extra = {}) => ({
      STORAGE_DRIVER: 's3',
      S3_BUCKET: bucket,
      S3_REGION: 'us-east-1',
      S3_ENDPOINT: `http://127.0.0.1:${addr.port}`,
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: S3RVER_KEY,
      S3_SECRET_ACCESS_KEY: S3RVER_KEY,
      ...extra,
    }),
    /** Settings for S3BlobStore against this server. */
    settings: (bucket = buckets[0]) => ({ bucket, region: 'us-east-1', endpoint: `http://127.0.0.1:${addr.port}`, forcePathStyle: true, accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_KEY, prefix: '' }),
    stop: async ({ keep = directory !== undefined } = {}) => {
      await new Promise((resolve) => server.close(() => resolve()));
      if (!keep) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
