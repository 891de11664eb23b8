import fs from 'node:fs';
import path from 'node:path';
import { tryLock, unlock } from 'fs-native-extensions';

// No 'server-only' and no '@/' imports: fault scripts and tests load this file in plain child processes.

/** Thrown when another live process holds the lock; names it by PID when it could tell. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number | null,
  ) {
    super(
      `Trove: the data directory ${dataDir} is in use by another Trove process` +
        (holderPid ? ` (PID ${holderPid})` : '') +
        '. Stop that process, or point DATA_DIR (or DATABASE_URL) somewhere else.',
    );
    this.name = 'DataDirLockedError';
  }
}

export type HeldLock = {
  readonly file: string;
  /** Gives the lock back (clean shutdown, tests). The file stays: deleting it would let two holders in. */
  release: () => void;
};

export type LockOptions = {
  /** Called once if the lock is ever lost (its file deleted or replaced); the default logs and exits at once. */
  onLost?: (reason: string) => void;
  /** How often to check that the lock file is still ours. */
  checkEveryMs?: number;
};

export const LOCK_FILE = 'trove.lock';

/**
 * Takes an exclusive lock on DATA_DIR/trove.lock for the life of this process. It is an open-file-
 * description lock held by the kernel (fcntl F_OFD_SETLK on Linux, flock on macOS): released when
 * the process dies, however it dies, and never while it lives, however long it is frozen.
 */
export function lockDataDir(dataDir: string, opts: LockOptions = {}): HeldLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
  let ok = false;
  try {
    if (!tryLock(fd)) throw new DataDirLockedError(dataDir, readPid(fd));
    // Someone may have deleted and recreated the file between our open and our lock.
    if (fs.fstatSync(fd).ino !== fs.statSync(file).ino) throw new DataDirLockedError(dataDir, null);
    fs.ftruncateSync(fd, 0);
    fs.writeSync(fd, `${process.pid}\n`, 0);
    fs.fsyncSync(fd);
    ok = true;
  } finally {
    if (!ok) fs.closeSync(fd);
  }

  const ino = fs.fstatSync(fd).ino;
  let released = false;
  const lost =
    opts.onLost ??
    ((reason: string) => {
      console.error(`Trove: lost the lock on ${dataDir} (${reason}); exiting now so that two processes never write it.`);
      process.exit(1);
    });
  const timer = setInterval(() => {
    let reason: string | null = null;
    try {
      fs.fstatSync(fd);
      if (fs.statSync(file).ino !== ino) reason = `${file} was replaced`;
    } catch (err) {
      reason = `${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`;
    }
    if (reason && !released) {
      released = true;
      clearInterval(timer);
      lost(reason);
    }
  }, opts.checkEveryMs ?? 2_000);
  timer.unref();

  return {
    file,
    release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      try {
        unlock(fd);
      } finally {
        fs.closeSync(fd);
      }
    },
  };
}

/** Whether a lock file is free right now (its holder, if any, is gone); takes and drops the lock to find out. */
export function isLockFree(file: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDWR);
  } catch {
    return true;
  }
  try {
    if (!tryLock(fd)) return false;
    unlock(fd);
    return true;
  } finally {
    fs.closeSync(fd);
  }
}

function readPid(fd: number): number | null {
  const buf = Buffer.alloc(32);
  const n = fs.readSync(fd, buf, 0, buf.length, 0);
  const pid = Number(buf.subarray(0, n).toString('utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}
