/**
 * Issue 11.5: `npm run trove -- storage check [--repair]` on both drivers, as real processes on their own
 * embedded database (a repair on a shared test database would mark other workers' files missing).
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBlobStore } from '@/lib/storage/local-blob-store';
import { S3BlobStore } from '@/lib/storage/s3-blob-store';
import { startS3rver } from '../scripts/lib/s3rver.mjs';

const run = promisify(execFile);
let s3rver: Awaited<ReturnType<typeof startS3rver>>;
beforeAll(async () => {
  s3rver = await startS3rver({ port: 0, buckets: ['check'] });
});
afterAll(() => s3rver?.stop());

async function node(args: string[], env: NodeJS.ProcessEnv) {
  try {
    const r = await run(process.execPath, ['node_modules/tsx/dist/cli.mjs', '--conditions=react-server', ...args], { env, timeout: 90_000 });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

// Seeds the child's database: a file whose blob is then deleted (missing), a file that stays, and a
// blob no row names (orphan). Prints the keys.
const SEED = `
import { getDb, closeDb } from '@/db/client';
import { uploadFile } from '@/lib/files';
import { getBlobStore } from '@/lib/storage';
import { makeDataset, makeUser } from '@/lib/testing/factories';
async function* bytes(s) { yield Buffer.from(s); }
const u = await makeUser('Checker');
const ds = await makeDataset(u.id);
await uploadFile(u.id, ds.id, 'kept.csv', bytes('a,b'));
await uploadFile(u.id, ds.id, 'gone.csv', bytes('c,d'));
const db = await getDb();
const rows = (await db.execute("select path, storage_key from entries where dataset_id = '" + ds.id + "'"));
const list = rows.rows ?? rows;
const key = (p) => list.find((r) => r.path === p).storage_key;
await getBlobStore().delete(key('gone.csv'));
const orphan = await getBlobStore().put(bytes('nobody'), { maxBytes: 100 });
console.log('SEED ' + JSON.stringify({ kept: key('kept.csv'), gone: key('gone.csv'), orphan: orphan.key }));
await closeDb();
`;

describe.each(['local', 's3'])('storage check on the %s driver', (driver) => {
  it('reports orphans and missing blobs; --repair deletes old orphans only and marks missing files', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-check-'));
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, ...(driver === 's3' ? s3rver.env('check', { S3_PREFIX: `c-${crypto.randomBytes(4).toString('hex')}` }) : { STORAGE_DRIVER: 'local' }) };
    delete env.DATABASE_URL;
    const seedFile = path.join(dataDir, 'seed.mts');
    fs.writeFileSync(seedFile, SEED);
    const seeded = await node(['--tsconfig', path.resolve('tsconfig.json'), seedFile], env);
    const seed = JSON.parse(/SEED (.+)/.exec(seeded.out)?.[1] ?? 'null') as { kept: string; gone: string; orphan: string } | null;
    expect(seed, seeded.out).not.toBeNull();

    const report = await node(['scripts/trove.ts', 'storage', 'check'], env);
    expect(report.code).toBe(1); // something is missing
    expect(report.out).toContain(`Storage (${driver}): 2 blobs stored.`);
    expect(report.out).toMatch(/Orphans \(a blob no row references\): 1 \(0\.0 MiB\), 0 of them older than 24 h/);
    expect(report.out).toContain(`orphan ${seed!.orphan}`);
    expect(report.out).toContain('Missing (a row whose blob is gone): 1 (entries: 1).');
    expect(report.out).toContain(`missing ${seed!.gone} (entries)`);

    // A young orphan survives a repair; one past the age goes.
    const young = await node(['scripts/trove.ts', 'storage', 'check', '--repair'], env);
    expect(young.out).toContain('Repaired: deleted 0 orphans (0.0 MiB), marked 1 missing blobs');
    const old = await node(['scripts/trove.ts', 'storage', 'check', '--repair', '--orphans-older-than=0'], env);
    expect(old.code).toBe(0);
    expect(old.out).toContain('Repaired: deleted 1 orphans');
    expect(old.out).toContain('marked 0 missing blobs'); // marked once already
    const store = driver === 's3' ? new S3BlobStore({ ...s3rver.settings('check'), prefix: `${env.S3_PREFIX}/` }) : new LocalBlobStore(path.join(dataDir, 'blobs'));
    expect(await store.stat(seed!.orphan)).toBeNull();
    expect(await store.stat(seed!.kept)).not.toBeNull();
    expect(await node(['scripts/trove.ts', 'storage', 'nonsense'], env)).toMatchObject({ code: 2 });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 240_000);
});
