import path from 'node:path';
import { trustedHops } from '@/lib/http/forwarding.mjs';

/** Runtime configuration, read from the environment when asked (never at build time). */
export const config = {
  get dataDir() {
    return path.resolve(/*turbopackIgnore: true*/ process.env.DATA_DIR || './data');
  },
  get databaseUrl() {
    return process.env.DATABASE_URL || undefined;
  },
  get appUrl() {
    return (process.env.APP_URL || 'http://localhost:3000').replace(/\/+$/, '');
  },
  get resendApiKey() {
    return process.env.RESEND_API_KEY || undefined;
  },
  get emailFrom() {
    return process.env.EMAIL_FROM || 'Trove <trove@localhost>';
  },
  /** Reverse-proxy hops whose X-Forwarded-* headers are believed (TRUST_PROXY); 0 = none. */
  get trustProxy() {
    return trustedHops(process.env.TRUST_PROXY);
  },
  /** Sign-ups accepted per client address per hour (SIGNUPS_PER_HOUR). */
  get signupsPerHour() {
    const v = Number(process.env.SIGNUPS_PER_HOUR);
    return Number.isInteger(v) && v > 0 ? v : 10;
  },
  /** Largest folder (sum of file sizes) offered as one .zip download (MAX_ZIP_BYTES). */
  get maxZipBytes() {
    const v = Number(process.env.MAX_ZIP_BYTES);
    return Number.isFinite(v) && v > 0 ? v : 20 * 1024 ** 3;
  },
  get maxUploadBytes() {
    const v = Number(process.env.MAX_UPLOAD_BYTES);
    return Number.isFinite(v) && v > 0 ? v : 5 * 1024 ** 3;
  },
  /** Earlier versions kept per file (VERSIONS_KEEP); older ones are pruned by the background sweep. */
  get versionsKeep() {
    const v = Number(process.env.VERSIONS_KEEP);
    return Number.isInteger(v) && v >= 1 ? v : 10;
  },
  /** Days an earlier version is kept after it was replaced (VERSIONS_DAYS). */
  get versionsDays() {
    const v = Number(process.env.VERSIONS_DAYS);
    return Number.isFinite(v) && v > 0 ? v : 30;
  },
  /** Days a deleted file or folder stays in its dataset's Trash (TRASH_DAYS). */
  get trashDays() {
    const v = Number(process.env.TRASH_DAYS);
    return Number.isFinite(v) && v > 0 ? v : 30;
  },
  /** Where file bytes live (STORAGE_DRIVER): 'local' (DATA_DIR/blobs) or 's3' (S3_* settings). */
  get storageDriver(): string {
    return (process.env.STORAGE_DRIVER || 'local').trim().toLowerCase();
  },
  /** DOWNLOAD_REDIRECT: 'presigned' sends browsers to a short-lived presigned GET (s3 only); else proxied. */
  get downloadRedirect(): 'presigned' | 'proxy' {
    return (process.env.DOWNLOAD_REDIRECT || '').trim().toLowerCase() === 'presigned' ? 'presigned' : 'proxy';
  },
  get s3() {
    const prefix = (process.env.S3_PREFIX || '').replace(/^\/+/, '');
    return {
      bucket: process.env.S3_BUCKET || '',
      region: process.env.S3_REGION || process.env.AWS_REGION || 'us-east-1',
      endpoint: process.env.S3_ENDPOINT || undefined,
      forcePathStyle: ['1', 'true', 'yes'].includes((process.env.S3_FORCE_PATH_STYLE || '').toLowerCase()),
      accessKeyId: process.env.S3_ACCESS_KEY_ID || undefined,
      secretAccessKey: process.env.S3_SECRET_ACCESS_KEY || undefined,
      prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix,
    };
  },
};
