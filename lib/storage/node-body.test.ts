import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { BlobStore } from './blob-store';
import { getBlobStore } from './index';
import { openBody, SMALL_BODY_BYTES } from './node-body';

type WithReadSmall = { readSmall: NonNullable<BlobStore['readSmall']> };

async function stored(bytes: Buffer) {
  return getBlobStore().put(Readable.from([bytes]), { maxBytes: 1 << 30 });
}

describe('openBody', () => {
  it('reads a small file from the store once, then answers it and any range of it from memory', async () => {
    const bytes = crypto.randomBytes(1000);
    const blob = await stored(bytes);
    const store = getBlobStore();
    const readSmall = vi.spyOn(store as WithReadSmall, 'readSmall');
    try {
      expect(await openBody(blob.key, blob.size, undefined)).toEqual(bytes);
      expect(await openBody(blob.key, blob.size, undefined)).toEqual(bytes);
      expect(await openBody(blob.key, blob.size, { start: 10, end: 19 })).toEqual(bytes.subarray(10, 20));
      expect(readSmall).toHaveBeenCalledTimes(1);
    } finally {
      readSmall.mockRestore();
    }
  });

  it('a missing blob is null every time and is never remembered', async () => {
    const store = getBlobStore();
    const readSmall = vi.spyOn(store as WithReadSmall, 'readSmall');
    const missing = crypto.randomBytes(16).toString('hex');
    try {
      expect(await openBody(missing, 10, undefined)).toBeNull();
      expect(await openBody(missing, 10, undefined)).toBeNull();
      expect(readSmall).toHaveBeenCalledTimes(2);
    } finally {
      readSmall.mockRestore();
    }
  });

  it('a file of SMALL_BODY_BYTES or more is streamed from the store, whole', async () => {
    const bytes = crypto.randomBytes(SMALL_BODY_BYTES + 1);
    const blob = await stored(bytes);
    const body = await openBody(blob.key, blob.size, undefined);
    expect(body).toBeInstanceOf(Readable);
    const chunks: Buffer[] = [];
    for await (const c of body as Readable) chunks.push(c);
    expect(Buffer.concat(chunks)).toEqual(bytes);
  });
});
