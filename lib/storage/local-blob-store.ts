import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { AppError } from '@/lib/errors';
import type { BlobSource, BlobStore, ByteRange, PutOptions, StoredBlob } from './blob-store';

const KEY = /^[0-9a-f]{32}$/;
// Temp files older than this belong to a process that died mid-upload.
const STALE_TEMP_MS = 24 * 3600 * 1000;
// Chunks smaller than this are gathered before a write, so tiny request chunks don't mean tiny syscalls.
const WRITE_BATCH = 1 << 20;
// Read chunks: big enough that per-chunk promises (Node → web stream → Next's writer) cost little,
// small enough that a slow client holds little: a download pulls one chunk at a time (no read-ahead).
const READ_CHUNK = 256 << 10;

function toIterable(source: BlobSource): AsyncIterable<Uint8Array> {
  return Symbol.asyncIterator in source ? source : Readable.fromWeb(source as import('node:stream/web').ReadableStream<Uint8Array>);
}

/** Blobs as files under one directory: <root>/<k0k1>/<k2k3>/<key>, written via <root>/tmp then renamed. */
export class LocalBlobStore implements BlobStore {
  readonly tmpDir: string;
  private swept = false;

  constructor(readonly root: string) {
    this.tmpDir = path.join(root, 'tmp');
  }

  /** The file of a key; refuses anything that is not a key this store generated. */
  pathOf(key: string): string {
    if (!KEY.test(key)) throw new Error(`Invalid blob key: ${JSON.stringify(key)}`);
    return path.join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  async put(source: BlobSource, options: PutOptions): Promise<StoredBlob> {
    try {
      return await this.write(source, options);
    } catch (err) {
      throw storageError(err);
    }
  }

  private async write(source: BlobSource, options: PutOptions): Promise<StoredBlob> {
    await fsp.mkdir(this.tmpDir, { recursive: true });
    void this.sweepTemp();
    const key = crypto.randomBytes(16).toString('hex');
    const tmp = path.join(this.tmpDir, `${key}.part`);
    const hash = crypto.createHash('sha256');
    let size = 0;
    const file = await fsp.open(tmp, 'wx', 0o600);
    let closed = false;
    try {
      let batch: Uint8Array[] = [];
      let batched = 0;
      const flush = async () => {
        if (batched === 0) return;
        const buf = batch.length === 1 ? batch[0] : Buffer.concat(batch, batched);
        batch = [];
        batched = 0;
        await file.write(buf);
      };
      for await (const chunk of toIterable(source)) {
        options.signal?.throwIfAborted();
        size += chunk.byteLength;
        if (size > options.maxBytes) throw new AppError('TOO_LARGE', tooLargeMessage(options.maxBytes));
        hash.update(chunk);
        batch.push(chunk);
        batched += chunk.byteLength;
        if (batched >= WRITE_BATCH) await flush();
      }
      options.signal?.throwIfAborted();
      await flush();
      if (options.expectedSize !== undefined && size !== options.expectedSize) {
        throw new AppError('INVALID', `The upload was incomplete: ${size} of ${options.expectedSize} bytes arrived.`);
      }
      await file.sync(); // the bytes are on disk before the database says they exist
      await file.close();
      closed = true;
      const final = this.pathOf(key);
      await fsp.mkdir(path.dirname(final), { recursive: true });
      await fsp.rename(tmp, final);
      await syncDir(path.dirname(final));
      return { key, size, sha256: hash.digest('hex') };
    } catch (err) {
      if (!closed) await file.close().catch(() => {});
      await fsp.rm(tmp, { force: true }).catch(() => {});
      throw err;
    }
  }

  createReadStream(key: string, range?: ByteRange): Readable {
    return fs.createReadStream(this.pathOf(key), { ...(range ?? {}), highWaterMark: READ_CHUNK });
  }

  async openRead(key: string, range?: ByteRange, signal?: AbortSignal): Promise<ReadableStream<Uint8Array> | null> {
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(this.pathOf(key), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    let pos = range?.start ?? 0;
    const end = range ? range.end + 1 : (await handle.stat()).size;
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await handle.close().catch(() => {});
    };
    // A client that went away: the file is closed now, whoever holds the stream.
    signal?.addEventListener('abort', () => void close(), { once: true });
    // highWaterMark 0: nothing is read until the response writer asks, and it asks only once the
    // socket has drained (backpressure end to end), so a slow client costs one chunk, not megabytes.
    return new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          if (closed) return controller.error(signal?.reason ?? new Error('closed'));
          const want = Math.min(READ_CHUNK, end - pos);
          if (want <= 0) {
            await close();
            controller.close();
            return;
          }
          try {
            const buf = Buffer.allocUnsafeSlow(want);
            const { bytesRead } = await handle.read(buf, 0, want, pos);
            if (bytesRead === 0) throw new Error('The stored file is shorter than recorded.');
            pos += bytesRead;
            controller.enqueue(bytesRead === want ? buf : buf.subarray(0, bytesRead));
          } catch (err) {
            await close();
            controller.error(err);
          }
        },
        cancel: close,
      },
      { highWaterMark: 0 },
    );
  }

  async delete(key: string): Promise<void> {
    await fsp.rm(this.pathOf(key), { force: true });
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      return { size: (await fsp.stat(this.pathOf(key))).size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /** Removes temp files left by a crashed process (once per process, in the background). */
  async sweepTemp(olderThanMs = STALE_TEMP_MS): Promise<void> {
    if (this.swept) return;
    this.swept = true;
    const names = await fsp.readdir(this.tmpDir).catch(() => [] as string[]);
    const cutoff = Date.now() - olderThanMs;
    for (const name of names) {
      const file = path.join(this.tmpDir, name);
      const st = await fsp.stat(file).catch(() => null);
      if (st && st.mtimeMs < cutoff) await fsp.rm(file, { force: true }).catch(() => {});
    }
  }
}

/**
 * Disk faults as answers: full → 507, read-only or not writable → 503. The temp file is gone by then
 * and nothing was renamed, so whatever the path held before is untouched.
 */
export function storageError(err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    console.error(`Trove: file storage is full (${code}); an upload was refused.`);
    return new AppError('STORAGE_FULL', 'The storage is full, so the file was not saved. Ask the administrator to free some space.');
  }
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    console.error(`Trove: file storage is not writable (${code}); an upload was refused.`);
    return new AppError('UNAVAILABLE', 'The storage cannot be written to right now, so the file was not saved. Try again later.');
  }
  return err;
}

/** Makes a rename durable (a no-op where directories cannot be opened). */
async function syncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r').catch(() => null);
  if (!handle) return;
  await handle.sync().catch(() => {});
  await handle.close();
}

/** "…larger than the 5 GiB upload limit." */
export function tooLargeMessage(maxBytes: number): string {
  return `This file is larger than the ${formatLimit(maxBytes)} upload limit.`;
}

function formatLimit(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1 && n % 1024 === 0) {
    n /= 1024;
    i++;
  }
  return `${n} ${units[i]}`;
}
