import 'server-only';
import path from 'node:path';
import { config } from '@/lib/config';
import type { BlobStore } from './blob-store';
import { LocalBlobStore } from './local-blob-store';

export type { BlobStore, BlobSource, ByteRange, StoredBlob } from './blob-store';
export { tooLargeMessage } from './local-blob-store';

const g = globalThis as unknown as { __troveBlobs?: { root: string; store: BlobStore } };

/** The configured blob store: local disk under DATA_DIR/blobs (an S3 driver would be chosen here). */
export function getBlobStore(): BlobStore {
  const root = path.join(config.dataDir, 'blobs');
  if (g.__troveBlobs?.root !== root) g.__troveBlobs = { root, store: new LocalBlobStore(root) };
  return g.__troveBlobs.store;
}

/** Removes blobs whose entries are gone (call after the deleting transaction commits); failures are logged, never thrown. */
export async function deleteBlobs(keys: string[]): Promise<void> {
  const store = getBlobStore();
  for (const key of keys) {
    await store.delete(key).catch((err) => console.error('Trove: could not delete blob', key, err));
  }
}
