import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { config } from '@/lib/config';
import { uploadFile } from '@/lib/files';
import { makeDataset, makeUser } from '@/lib/testing/factories';
import { getBlobStore } from './index';
import { LocalBlobStore } from './local-blob-store';
import { sweepStorage } from './sweep';

// Issue 14 (7): what a crash leaves on disk is reclaimed — temp files of dead processes at once,
// blobs that no entry references (crash between rename and commit) by the storage sweep.

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

/** A separate process that starts an upload into root and never finishes it (until killed). */
async function uploader(root: string): Promise<{ child: ChildProcess; part: string }> {
  const src = `import { LocalBlobStore } from ${JSON.stringify(path.resolve('lib/storage/local-blob-store.ts'))};
const store = new LocalBlobStore(${JSON.stringify(root)});
async function* slow() { yield Buffer.alloc(2 << 20, 7); console.log('writing ' + store.ownTmpDir()); await new Promise(() => {}); }
store.put(slow(), { maxBytes: 1 << 30 }); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', src], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '--conditions=react-server' },
  });
  children.push(child);
  const dir = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /writing (.+)/.exec(d.toString());
      if (m) resolve(m[1].trim());
    });
    child.once('exit', (code) => reject(new Error(`uploader exited with ${code}`)));
  });
  return { child, part: dir };
}

describe('storage sweep', () => {
  it('removes the temp folder of a process killed mid-upload at once, and never one whose process lives', async () => {
    const root = fs.mkdtempSync(path.join(config.dataDir, 'sweep-'));
    const store = new LocalBlobStore(root);
    const alive = await uploader(root);
    const killed = await uploader(root);
    // Wait until the killed one's first chunk reached its temp file.
    await expect.poll(() => fs.readdirSync(killed.part).some((n) => n.endsWith('.part'))).toBe(true);
    killed.child.kill('SIGKILL');
    await new Promise((r) => killed.child.once('exit', r));

    const freed = await store.sweepTemp();
    expect(fs.existsSync(killed.part)).toBe(false); // minutes old, not 24 hours: gone at once
    expect(fs.existsSync(alive.part)).toBe(true); // still writing: untouched
    expect(freed).toBeGreaterThanOrEqual(0);

    alive.child.kill('SIGKILL');
    await new Promise((r) => alive.child.once('exit', r));
    await store.sweepTemp();
    expect(fs.readdirSync(store.tmpDir)).toEqual([]);
  });

  it('reclaims a blob that no entry references once it is older than the grace period, and nothing else', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    async function* bytes(s: string) {
      yield Buffer.from(s);
    }
    await uploadFile(owner.id, ds.id, 'kept.txt', bytes('kept'));
    const store = getBlobStore() as LocalBlobStore;
    // A crash between rename and commit: the blob is in place, no entry names it.
    const orphan = await store.put(bytes('orphan'), { maxBytes: 100 });
    const fresh = await store.put(bytes('in flight'), { maxBytes: 100 });
    const old = new Date(Date.now() - 2 * 3600 * 1000);
    fs.utimesSync(store.pathOf(orphan.key), old, old);
    for await (const b of store.listBlobs()) if (b.key !== fresh.key) fs.utimesSync(store.pathOf(b.key), old, old);

    const r = await sweepStorage();
    expect(r.orphans).toBeGreaterThanOrEqual(1);
    expect(await store.stat(orphan.key)).toBeNull();
    expect(await store.stat(fresh.key)).not.toBeNull(); // may be an upload about to commit
    const keys: string[] = [];
    for await (const b of store.listBlobs()) keys.push(b.key);
    expect(keys.length).toBeGreaterThanOrEqual(2); // the kept file (and every other test's files) stay
    await store.delete(fresh.key);
  });
});
