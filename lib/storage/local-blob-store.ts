import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isLockFree, LOCK_FILE, lockDataDir, type HeldLock } from '@/lib/data-dir-lock';
import { AppError } from '@/lib/errors';
import { FileChunks } from './file-chunks';
import type { BlobSource, BlobStore, ByteRange, ListedBlob, PutOptions, StoredBlob } from './blob-store';
import { tooLargeMessage } from './limits';

export { tooLargeMessage };

const KEY = /^[0-9a-f]{32}$/;
// Loose files in tmp/ (from versions before per-process temp folders, health probes) older than this
// belong to no one. Per-process folders go as soon as their process is dead, whatever their age.
const STALE_TEMP_MS = 3600 * 1000;
// A folder without its lock file yet may be one that a starting process has just made.
const NEW_DIR_GRACE_MS = 60_000;
// Up to this much is queued for the file before the upload's reading waits; what queues during a write
// goes out in one writev, so tiny request chunks don't mean tiny syscalls.
const WRITE_BATCH = 1 << 20;
// A background data sync after every this many bytes written (see write()).
const SYNC_EVERY = 64 << 20;
// Read chunks: big enough that per-chunk promises (Node → web stream → Next's writer) cost little,
// small enough that a slow client holds little: a download pulls one chunk at a time (no read-ahead).
const READ_CHUNK = 256 << 10;
// A download's chunks (openRead): each one waits in the response's socket buffer until a slow client
// takes it, and Next's writer holds one more, so 200 slow clients held 200 × ~2 × 256 KiB (+100–150 MiB;
// npm run bench:downloads). 64 KiB (Node's own file-stream default) keeps that near a quarter.
const DOWNLOAD_CHUNK = 64 << 10;

const openFd = (file: string, flags = 'r', mode?: number) => new Promise<number>((resolve, reject) => fs.open(file, flags, mode, (err, fd) => (err ? reject(err) : resolve(fd))));
const fsyncFd = (fd: number) => new Promise<void>((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())));
const fstatFd = (fd: number) => new Promise<fs.Stats>((resolve, reject) => fs.fstat(fd, (err, st) => (err ? reject(err) : resolve(st))));

function toReadable(source: BlobSource): Readable {
  if (source instanceof Readable) return source;
  return Symbol.asyncIterator in source ? Readable.from(source, { objectMode: false }) : Readable.fromWeb(source as import('node:stream/web').ReadableStream<Uint8Array>);
}

/**
 * Blobs as files under one directory: <root>/<k0k1>/<k2k3>/<key>, written via a temp folder of this
 * process (<root>/tmp/<pid>-<random>/, locked while the process lives) and then renamed. Whoever finds
 * such a folder unlocked knows its process is dead and nobody is writing there, and removes it.
 */
export class LocalBlobStore implements BlobStore {
  readonly tmpDir: string;
  private swept = false;
  private own?: { dir: string; lock: HeldLock };

  constructor(readonly root: string) {
    this.tmpDir = path.join(root, 'tmp');
  }

  /** This process's temp folder, created and locked on first use. */
  ownTmpDir(): string {
    if (!this.own) {
      const dir = path.join(this.tmpDir, `${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
      const lock = lockDataDir(dir, {
        onLost: (why) => console.error(`Trove: the temp folder ${dir} was removed under a running process (${why}).`),
      });
      this.own = { dir, lock };
    }
    return this.own.dir;
  }

  /** Releases this process's temp folder (tests; a process that exits releases it anyway). */
  close(): void {
    if (!this.own) return;
    this.own.lock.release();
    fs.rmSync(this.own.dir, { recursive: true, force: true });
    this.own = undefined;
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
    const own = this.ownTmpDir();
    if (!this.swept) {
      this.swept = true;
      void this.sweepTemp().catch(() => {});
    }
    const key = crypto.randomBytes(16).toString('hex');
    const tmp = path.join(own, `${key}.part`);
    const hash = crypto.createHash('sha256');
    let size = 0;
    const fd = await openFd(tmp, 'wx', 0o600);
    // Written bytes go to disk while more arrive (a data sync in the background every SYNC_EVERY bytes),
    // so the fsync before the commit has little left to do instead of a whole upload's worth.
    let unsynced = 0;
    let syncing: Promise<void> | null = null;
    const syncInBackground = () => {
      unsynced = 0;
      syncing = new Promise<void>((resolve) => fs.fdatasync(fd, () => resolve())).then(() => {
        syncing = null;
      });
    };
    // Chunks are hashed as they arrive and queued to the file; the write stream writes what has queued
    // (writev) on the thread pool while the next chunks are received and hashed. The stream is the
    // only one that closes the descriptor (destroyed, it waits for a write in flight, then closes):
    // closed twice, or under a write in flight, a descriptor's number could already name another file.
    const out = fs.createWriteStream('', { fd, autoClose: false, highWaterMark: WRITE_BATCH });
    out.on('error', () => {}); // errors reach the pipeline below; one from the final close has no one else to go to
    const closeStream = async () => {
      if (!out.destroyed) out.destroy();
      if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    };
    try {
      // A Transform, not an async generator: no promises per chunk (they showed as garbage collection).
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.byteLength;
          if (size > options.maxBytes) return done(new AppError('TOO_LARGE', tooLargeMessage(options.maxBytes)));
          hash.update(chunk);
          unsynced += chunk.byteLength;
          if (unsynced >= SYNC_EVERY && !syncing) syncInBackground();
          done(null, chunk);
        },
      });
      await pipeline(
        toReadable(source),
        meter,
        out,
        ...(options.signal ? [{ signal: options.signal }] : []),
      );
      options.signal?.throwIfAborted();
      if (options.expectedSize !== undefined && size !== options.expectedSize) {
        throw new AppError('INVALID', `The upload was incomplete: ${size} of ${options.expectedSize} bytes arrived.`);
      }
      await syncing;
      await fsyncFd(fd); // the bytes are on disk before the database says they exist
      await closeStream();
      const final = this.pathOf(key);
      await fsp.mkdir(path.dirname(final), { recursive: true });
      await fsp.rename(tmp, final);
      await syncDir(path.dirname(final));
      return { key, size, sha256: hash.digest('hex') };
    } catch (err) {
      await syncing;
      await closeStream();
      await fsp.rm(tmp, { force: true }).catch(() => {});
      throw options.signal?.aborted && !(err instanceof AppError) ? (options.signal.reason ?? err) : err;
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
          const want = Math.min(DOWNLOAD_CHUNK, end - pos);
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

  async openNodeRead(key: string, range?: ByteRange): Promise<Readable | null> {
    let fd: number;
    try {
      fd = await openFd(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      const end = range ? range.end + 1 : (await fstatFd(fd)).size;
      // Reads only as the response takes them, small chunks for slow clients, large for fast ones
      // (lib/storage/file-chunks.ts); the file is closed when the stream ends, fails or is destroyed.
      return new FileChunks(fd, range?.start ?? 0, end);
    } catch (err) {
      fs.close(fd, () => {});
      throw err;
    }
  }

  // Callback fs: a small download's open, read and close without FileHandle's promise machinery.
  readSmall(key: string, range: ByteRange): Promise<Buffer | null> {
    return new Promise((resolve, reject) => {
      fs.open(this.pathOf(key), 'r', (err, fd) => {
        if (err) return err.code === 'ENOENT' ? resolve(null) : reject(err);
        const buf = Buffer.allocUnsafe(range.end - range.start + 1);
        fs.read(fd, buf, 0, buf.length, range.start, (readErr, bytesRead) => {
          fs.close(fd, () => {});
          if (readErr) return reject(readErr);
          if (bytesRead !== buf.length) return reject(new Error('The stored file is shorter than recorded.'));
          resolve(buf);
        });
      });
    });
  }

  async delete(key: string): Promise<void> {
    await fsp.rm(this.pathOf(key), { force: true });
  }

  async deleteMany(keys: string[]): Promise<void> {
    for (const key of keys) await this.delete(key);
  }

  /** Writes, syncs and removes a small file where uploads are written. */
  async check(): Promise<void> {
    await fsp.mkdir(this.tmpDir, { recursive: true });
    const file = path.join(this.tmpDir, `health-${crypto.randomBytes(6).toString('hex')}.probe`);
    const handle = await fsp.open(file, 'wx', 0o600);
    try {
      await handle.write('ok');
      await handle.sync();
    } finally {
      await handle.close();
      await fsp.rm(file, { force: true });
    }
  }

  list(): AsyncIterable<ListedBlob> {
    return this.listBlobs();
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      return { size: (await fsp.stat(this.pathOf(key))).size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /**
   * Removes what crashed processes left in tmp/: the folder of every process that no longer holds its
   * lock (at once, whatever its age), and loose files older than `olderThanMs`. Returns the bytes freed.
   */
  async sweepTemp(olderThanMs = STALE_TEMP_MS): Promise<number> {
    const names = await fsp.readdir(this.tmpDir).catch(() => [] as string[]);
    const now = Date.now();
    let freed = 0;
    for (const name of names) {
      const full = path.join(this.tmpDir, name);
      if (full === this.own?.dir) continue;
      const st = await fsp.stat(full).catch(() => null);
      if (!st) continue;
      if (st.isDirectory()) {
        // The PID is written only once the lock is held: with it, a free lock means a dead owner;
        // without it, the owner may be between creating the folder and locking it.
        const lockFile = path.join(full, LOCK_FILE);
        const claimed = (await fsp.readFile(lockFile, 'utf8').catch(() => '')).trim() !== '';
        if (!claimed && now - st.mtimeMs < NEW_DIR_GRACE_MS) continue;
        if (!isLockFree(lockFile)) continue;
        freed += await sizeOf(full);
        await fsp.rm(full, { recursive: true, force: true }).catch(() => {});
      } else if (st.mtimeMs < now - olderThanMs) {
        freed += st.size;
        await fsp.rm(full, { force: true }).catch(() => {});
      }
    }
    return freed;
  }

  /** Every stored blob's key with its size and modification time (for the orphan sweep). */
  async *listBlobs(): AsyncIterable<ListedBlob> {
    for (const a of await fsp.readdir(this.root).catch(() => [] as string[])) {
      if (!/^[0-9a-f]{2}$/.test(a)) continue;
      for (const b of await fsp.readdir(path.join(this.root, a)).catch(() => [] as string[])) {
        for (const key of await fsp.readdir(path.join(this.root, a, b)).catch(() => [] as string[])) {
          if (!KEY.test(key)) continue;
          const st = await fsp.stat(path.join(this.root, a, b, key)).catch(() => null);
          if (st?.isFile()) yield { key, size: st.size, mtimeMs: st.mtimeMs };
        }
      }
    }
  }
}

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const name of await fsp.readdir(dir).catch(() => [] as string[])) {
    const st = await fsp.stat(path.join(dir, name)).catch(() => null);
    if (st?.isFile()) total += st.size;
  }
  return total;
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

