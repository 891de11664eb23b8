import fs from 'node:fs';
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
    fs.close(this.fd, () => callback(err));
  }
}
