import 'server-only';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LRUCache } from 'lru-cache';
import type { ByteRange } from './blob-store';
import { getBlobStore } from './index';

/**
 * A download's bytes for the Node fast paths (lib/download-handler.ts, lib/s3/fast-get.ts), found
 * before anything is answered (null: the blob is missing). Small answers are read in one go and sent
 * with the headers in one write; a larger local file is written straight to the socket
 * (FileChunks.sendTo), other stores' bodies are piped with backpressure; either way the reads follow
 * the client's pace (lib/storage/file-chunks.ts).
 */
export const SMALL_BODY_BYTES = 128 << 10;

/** A Readable that can also write itself to the response, faster than a pipe (a local file: FileChunks.sendTo). */
type SelfSending = Readable & { sendTo(res: ServerResponse): Promise<void> };
export type Body = Buffer | Readable | SelfSending;
const sendsItself = (body: Readable): body is SelfSending => typeof (body as Partial<SelfSending>).sendTo === 'function';

/**
 * Small files, kept whole in memory once read: a blob's bytes never change under its key (an upload
 * writes a new key), so a hit needs no revalidation, and it saves a small GET its open/read/close on
 * the thread pool (a third of a 100 KB GetObject's cost under load; npm run bench:s3). What a request may read is decided before this is asked (lib/access.ts, by the
 * caller). Bounded in bytes; entries of deleted files go within SMALL_CACHE_TTL_MS.
 */
const SMALL_CACHE_BYTES = 32 << 20;
const SMALL_CACHE_TTL_MS = 10 * 60_000;
const smallFiles = new LRUCache<string, Buffer>({ maxSize: SMALL_CACHE_BYTES, sizeCalculation: (b) => b.length || 1, ttl: SMALL_CACHE_TTL_MS });

export async function openBody(key: string, size: number, part: ByteRange | undefined): Promise<Body | null> {
  const store = getBlobStore();
  if (store.readSmall && size < SMALL_BODY_BYTES) {
    let whole = smallFiles.get(key);
    if (!whole) {
      const read = await store.readSmall(key, { start: 0, end: size - 1 });
      if (!read) return null;
      smallFiles.set(key, read);
      whole = read;
    }
    return part ? whole.subarray(part.start, part.end + 1) : whole;
  }
  const range = part ?? { start: 0, end: size - 1 };
  if (store.readSmall && range.end - range.start < SMALL_BODY_BYTES) return store.readSmall(key, range);
  if (store.openNodeRead) return store.openNodeRead(key, part);
  const web = await store.openRead(key, part);
  return web ? Readable.fromWeb(web as import('node:stream/web').ReadableStream<Uint8Array>) : null;
}

/** Sends the body (headers already set); a client that goes away, or a read that fails mid-way, closes the connection. */
export async function sendBody(res: ServerResponse, body: Body): Promise<void> {
  if (Buffer.isBuffer(body)) {
    res.end(body);
    return;
  }
  if (sendsItself(body)) return body.sendTo(res);
  try {
    await pipeline(body, res);
  } catch {
    if (!res.destroyed) res.destroy();
  }
}
