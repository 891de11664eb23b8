import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

// A download starts with small reads, so a slow client holds one small chunk (200 slow clients stay
// well under the memory goal, npm run bench:downloads). A client that has taken FAST_AFTER bytes at
// FAST_RATE or more is clearly not slow: it gets BIG chunks, far fewer reads and socket writes (a
// 1 GiB download ran at ~0.4× nginx with 64 KiB chunks throughout). A slow client cannot qualify: the
// kernel's socket buffers on both ends take at most a few MiB before its own pace shows.
const SMALL = 64 << 10;
const BIG = 1 << 20;
const FAST_AFTER = 16 << 20;
const FAST_RATE = 64e6; // bytes a second
// sendTo's read-ahead for a fast client: this many BIG buffers, reused (the next read fills a buffer
// while the ones before it are still being written to the socket). Fresh buffers and a piped
// Readable held a 1 GiB GetObject to ~0.65x nginx; reading ahead into reused buffers written
// straight to the socket, ~0.9x (npm run bench:s3). A slow client holds one SMALL buffer.
const FAST_DEPTH = 4;

/** The next read's size: SMALL until the consumer has shown it is fast. Exported for tests. */
export function chunkSize(sent: number, elapsedMs: number): number {
  return sent >= FAST_AFTER && (sent * 1000) / Math.max(1, elapsedMs) >= FAST_RATE ? BIG : SMALL;
}

/**
 * Bytes [start, end) of an open file as a Node stream that reads only when its consumer asks
 * (highWaterMark 0: backpressure end to end), and closes the file when it ends, fails or is destroyed.
 */
export class FileChunks extends Readable {
  private pos: number;
  private sent = 0;
  private readonly began = Date.now();

  constructor(
    private readonly fd: number,
    start: number,
    private readonly end: number,
  ) {
    super({ highWaterMark: 0 });
    this.pos = start;
  }

  private taken = false;

  /**
   * Sends the bytes to an HTTP response (headers set, nothing written yet) and ends it, without the
   * stream machinery: reads ahead into a few reused buffers, each written to the socket as soon as it
   * is read and read into again once the socket has taken it. Same pacing as the stream: SMALL chunks,
   * one at a time, until the client shows it is fast. The file is closed when this settles; a client
   * that goes away, or a read that fails mid-way, ends it and the connection is closed (the length
   * was promised). Only for a FileChunks nothing has been read from.
   */
  sendTo(res: ServerResponse): Promise<void> {
    if (this.taken || this.sent > 0 || this.destroyed) throw new Error('FileChunks.sendTo: the stream was already used.');
    this.taken = true;
    const fd = this.fd;
    const end = this.end;
    let pos = this.pos;
    let sent = 0;
    const began = Date.now();
    const free: Buffer[] = [];
    let allocated = 0; // BIG buffers made so far
    let inFlight = 0; // buffers handed to the socket and not yet taken by it
    let reading = false;
    let finished = false;
    return new Promise<void>((resolve) => {
      let closed = false;
      const closeWhenIdle = () => {
        if (reading || closed) return; // a read in flight closes it when it is back
        closed = true;
        fs.close(fd, () => resolve());
      };
      const finish = (failed: boolean) => {
        if (finished) return;
        finished = true;
        res.off('close', onClose);
        if (failed && !res.destroyed) res.destroy();
        closeWhenIdle();
      };
      const onClose = () => finish(!res.writableFinished);
      res.on('close', onClose);
      const pump = () => {
        if (finished || reading) return;
        if (pos >= end) {
          if (inFlight === 0) res.end(() => finish(false));
          return;
        }
        const size = chunkSize(sent, Date.now() - began);
        let buf: Buffer | undefined;
        if (size === BIG) {
          buf = free.pop();
          if (!buf && allocated < FAST_DEPTH) {
            buf = Buffer.allocUnsafeSlow(BIG);
            allocated++;
          }
          if (!buf) return; // every buffer is on its way; a write's callback pumps again
        } else {
          if (inFlight > 0) return; // a slow client: one small chunk at a time
          buf = Buffer.allocUnsafeSlow(SMALL);
        }
        const want = Math.min(size, end - pos);
        reading = true;
        fs.read(fd, buf, 0, want, pos, (err, n) => {
          reading = false;
          if (finished) return closeWhenIdle();
          if (err || n === 0) return finish(true); // a failed or short read: the promised length cannot be met
          pos += n;
          sent += n;
          inFlight++;
          const chunk = buf!;
          res.write(n === chunk.length ? chunk : chunk.subarray(0, n), (writeErr) => {
            inFlight--;
            if (writeErr) return finish(true);
            if (chunk.length === BIG) free.push(chunk);
            pump();
          });
          pump();
        });
      };
      pump();
    });
  }

  override _read(): void {
    const want = Math.min(chunkSize(this.sent, Date.now() - this.began), this.end - this.pos);
    if (want <= 0) {
      this.push(null);
      return;
    }
    const buf = Buffer.allocUnsafeSlow(want);
    fs.read(this.fd, buf, 0, want, this.pos, (err, n) => {
      if (err) return this.destroy(err);
      if (n === 0) return this.destroy(new Error('The stored file is shorter than recorded.'));
      this.pos += n;
      this.sent += n;
      this.push(n === want ? buf : buf.subarray(0, n));
    });
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    if (this.taken) return callback(err); // sendTo owns the file
    fs.close(this.fd, () => callback(err));
  }
}
