import fs from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT || 3100);
const FAKE_RESEND_PORT = Number(process.env.E2E_RESEND_PORT || 3199);
const baseURL = `http://127.0.0.1:${PORT}`;
const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
const dataDir = process.env.E2E_DATA_DIR || `/tmp/trove-e2e-${process.pid}`;
// E2E_STORAGE=s3: the app stores files in s3rver (started here on E2E_S3RVER_PORT, default 3198)
// through the S3 driver, instead of DATA_DIR/blobs.
const S3RVER_PORT = Number(process.env.E2E_S3RVER_PORT || 3198);
const s3Storage = process.env.E2E_STORAGE === 's3';
const s3Env: Record<string, string> = s3Storage
  ? {
      STORAGE_DRIVER: 's3',
      S3_BUCKET: 'trove-e2e',
      S3_REGION: 'us-east-1',
      S3_ENDPOINT: `http://127.0.0.1:${S3RVER_PORT}`,
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_PREFIX: `e2e-${process.pid}`,
    }
  : { STORAGE_DRIVER: 'local' };

export default defineConfig({
  testDir: 'e2e',
  // Specs that edit the database directly (to let 72 hours pass) need the app on PostgreSQL; specs that
  // read emails need the fake Resend API, and the no-email spec needs a server without RESEND_API_KEY.
  testIgnore: [
    ...(process.env.DATABASE_URL ? [] : ['**/invitation-expiry.spec.ts']),
    ...(process.env.E2E_NO_EMAIL ? ['**/sharing.spec.ts', '**/teams.spec.ts', '**/accounts.spec.ts', '**/security.spec.ts', '**/invitation-expiry.spec.ts', '**/datasets.spec.ts'] : ['**/no-email.spec.ts']),
  ],
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-gpu'],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: [
    ...(s3Storage
      ? [
          {
            command: `rm -rf ${dataDir}-s3 && node scripts/s3rver.mjs`,
            url: `http://127.0.0.1:${S3RVER_PORT}/`,
            reuseExistingServer: false,
            env: { S3RVER_PORT: String(S3RVER_PORT), S3RVER_BUCKETS: 'trove-e2e', S3RVER_DIR: `${dataDir}-s3` },
          },
        ]
      : []),
    {
      command: `node e2e/fixtures/fake-resend.mjs`,
      url: `http://127.0.0.1:${FAKE_RESEND_PORT}/health`,
      reuseExistingServer: false,
      env: { FAKE_RESEND_PORT: String(FAKE_RESEND_PORT) },
    },
    {
      // Against the production build (`npm run build` first; `npm start` builds when it is missing).
      command: `rm -rf ${dataDir} && node scripts/start.mjs`,
      url: `${baseURL}/login`,
      timeout: 180_000,
      reuseExistingServer: false,
      env: {
        PORT: String(PORT),
        HOSTNAME: '127.0.0.1',
        APP_URL: baseURL,
        DATA_DIR: dataDir,
        RESEND_API_KEY: process.env.E2E_NO_EMAIL ? '' : 're_test_fake',
        RESEND_BASE_URL: `http://127.0.0.1:${FAKE_RESEND_PORT}`,
        EMAIL_WORKER_INTERVAL_MS: '200',
        // Room for e2e/s3.spec.ts's 200 MB multipart upload (the scale).
        MAX_UPLOAD_BYTES: String(256 * 1024 * 1024),
        // Every test signs up its own users from 127.0.0.1; the per-address limit has its own vitest test.
        SIGNUPS_PER_HOUR: '100000',
        ...s3Env,
        ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
      },
    },
  ],
});
