import 'server-only';
import path from 'node:path';
import { config } from '@/lib/config';
import type { BlobStore } from './blob-store';
import { LocalBlobStore } from './local-blob-store';
import { S3BlobStore, StorageCheckError } from './s3-blob-store';

export type { BlobStore, BlobSource, ByteRange, ListedBlob, StoredBlob } from './blob-store';
export { tooLargeMessage } from './limits';
export { StorageCheckError };

const g = globalThis as unknown as { __troveBlobs?: { id: string; store: BlobStore } };

/** The settings that pick the store, as one string: a change (tests) makes a new store. */
function storeId(): string {
  const driver = config.storageDriver;
  if (driver === 's3') return `s3:${JSON.stringify(config.s3)}`;
  return `local:${path.join(config.dataDir, 'blobs')}`;
}

/** The configured blob store: STORAGE_DRIVER=local (DATA_DIR/blobs, the default) or s3 (S3_* settings). */
export function getBlobStore(): BlobStore {
  const id = storeId();
  if (g.__troveBlobs?.id !== id) g.__troveBlobs = { id, store: createBlobStore() };
  return g.__troveBlobs.store;
}

/** A new store from the environment; throws StorageCheckError for settings that cannot work. */
export function createBlobStore(): BlobStore {
  const driver = config.storageDriver;
  if (driver === 'local') return new LocalBlobStore(path.join(config.dataDir, 'blobs'));
  if (driver === 's3') {
    const s3 = config.s3;
    if (!s3.bucket) throw new StorageCheckError('STORAGE_DRIVER=s3 needs S3_BUCKET (and S3_REGION, S3_ENDPOINT for non-AWS storage).');
    if (Boolean(s3.accessKeyId) !== Boolean(s3.secretAccessKey)) throw new StorageCheckError('Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither (the AWS SDK default credential chain).');
    if (s3.endpoint && !/^https?:\/\/[^/]/i.test(s3.endpoint)) throw new StorageCheckError(`S3_ENDPOINT must be an http(s) URL, not ${JSON.stringify(s3.endpoint)}.`);
    return new S3BlobStore(s3);
  }
  throw new StorageCheckError(`STORAGE_DRIVER must be "local" or "s3", not ${JSON.stringify(driver)}.`);
}

/**
 * Start-up: the store can be used (s3: the bucket exists and these credentials may use it). Throws a
 * StorageCheckError whose message says in one line what is wrong.
 */
export async function checkBlobStoreAtStart(): Promise<void> {
  const store = getBlobStore();
  if (config.storageDriver === 's3') await store.check();
}

/** Removes blobs whose entries are gone (call after the deleting transaction commits); failures are logged, never thrown. */
export async function deleteBlobs(keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await getBlobStore()
    .deleteMany(keys)
    .catch((err) => console.error(`Trove: could not delete ${keys.length} blob(s) (the storage sweep will):`, err instanceof Error ? err.message : err));
}
