import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, LOCK_FILE, isLockFree, lockDataDir } from './data-dir-lock';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

/** A separate process that takes the lock on dir and holds it until killed. */
async function holder(dir: string): Promise<ChildProcess> {
  const src = `import { lockDataDir } from ${JSON.stringify(path.resolve('lib/data-dir-lock.ts'))};
lockDataDir(${JSON.stringify(dir)}); console.log('locked'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', src], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    child.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
  return child;
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'trove-dirlock-'));

describe('DATA_DIR lock', () => {
  it('refuses a second process, naming the holder’s PID, even while the holder is frozen; frees at once when it is killed', async () => {
    const dir = tmp();
    const child = await holder(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dir)).toThrow(`PID ${child.pid}`);

    // A frozen holder keeps its lock (the old mtime lock went stale after 15 s of this).
    child.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 1500));
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(isLockFree(path.join(dir, LOCK_FILE))).toBe(false);
    child.kill('SIGCONT');

    // A crash frees it at once (the old lock refused restarts for ~13 s).
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const t0 = Date.now();
    const lock = lockDataDir(dir);
    expect(Date.now() - t0).toBeLessThan(500);
    expect(fs.readFileSync(lock.file, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  it('is exclusive within one process too, and free again after release', () => {
    const dir = tmp();
    const a = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(`PID ${process.pid}`);
    a.release();
    lockDataDir(dir).release();
  });

  it('notices when it lost the lock (file deleted and taken by someone else)', async () => {
    const dir = tmp();
    const reasons: string[] = [];
    const a = lockDataDir(dir, { onLost: (r) => reasons.push(r), checkEveryMs: 50 });
    fs.rmSync(a.file);
    const b = lockDataDir(dir);
    await new Promise((r) => setTimeout(r, 200));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain('replaced');
    a.release();
    b.release();
  });
});
