import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { createDataset, share } from './fixtures/datasets';
import { signUp } from './fixtures/users';
import { invitationLinkFor } from './fixtures/email';

// Real S3 clients against the built app: Debian's aws CLI (v2) and boto3, with keys created on the
// Account page. Installed by .ci/run (apt: awscli, python3-boto3).
const AWS = '/usr/bin/aws';
const PYTHON = '/usr/bin/python3';
// Missing clients are a set-up error, said plainly (not a silent skip): .ci/run installs them.
function requireTools(paths: string[], what: string) {
  const missing = paths.filter((p) => !fs.existsSync(p));
  if (missing.length) throw new Error(`e2e/s3.spec.ts needs ${what}; missing: ${missing.join(', ')}`);
}
test.beforeAll(() => requireTools([AWS, PYTHON], 'Debian awscli and python3-boto3 (apt-get install awscli python3-boto3)'));

type Key = { id: string; secret: string; endpoint: string };

async function createKey(page: Page, name: string, opts: { access?: 'Read and write' | 'Read only'; datasets?: string } = {}): Promise<Key> {
  await page.goto('/account');
  const section = page.getByRole('region', { name: 'Access keys' });
  await section.getByRole('button', { name: 'Create access key' }).click();
  await section.getByRole('textbox', { name: 'Key name' }).fill(name);
  await section.getByRole('combobox', { name: 'Access' }).selectOption({ label: opts.access ?? 'Read and write' });
  await section.getByRole('combobox', { name: 'Datasets' }).selectOption({ label: opts.datasets ?? 'All my datasets' });
  await section.getByRole('button', { name: 'Create key' }).click();
  const value = (label: string) => section.getByRole('textbox', { name: label }).inputValue();
  await expect(section.getByRole('textbox', { name: 'Secret access key' })).toBeVisible();
  return { id: await value('Access key ID'), secret: await value('Secret access key'), endpoint: await value('S3 endpoint') };
}

function clientEnv(key: Key): NodeJS.ProcessEnv {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-s3-home-'));
  // A clean environment: no AWS_CA_BUNDLE, profiles or pip's aws v1 from PATH.
  return { PATH: '/usr/bin:/bin', HOME: home, AWS_ACCESS_KEY_ID: key.id, AWS_SECRET_ACCESS_KEY: key.secret, AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '', NODE_ENV: 'test' };
}

const aws = (key: Key, ...args: string[]) => awsFor(60_000, key, ...args);
// Long transfers (1,000 files, 200 MB) get longer than the usual minute.
const awsFor = (timeout: number, key: Key, ...args: string[]) => spawnSync(AWS, ['--endpoint-url', key.endpoint, ...args], { env: clientEnv(key), encoding: 'utf8', timeout });

function treeOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

test('aws CLI and boto3 with keys from the Account page: sync up and down, roles, revocation', async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  await signUp(page, 'Sam Storage');
  const name = `S3 ${Date.now()}`;
  const datasetId = (await createDataset(page, name)).split('/').pop()!;
  const key = await createKey(page, 'laptop');
  expect(key.id).toMatch(/^TRV[A-Z2-7]{17}$/);
  expect(key.endpoint).toBe(`${baseURL}/s3`);

  // A small folder with a nested, non-ASCII name and some binary bytes.
  const up = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-s3-up-'));
  fs.mkdirSync(path.join(up, 'sub', 'deeper'), { recursive: true });
  fs.writeFileSync(path.join(up, 'a.csv'), 'x,y\n1,2\n');
  fs.writeFileSync(path.join(up, 'sub', 'rand.bin'), crypto.randomBytes(700_000));
  fs.writeFileSync(path.join(up, 'sub', 'deeper', 'données é.txt'), 'unicode\n');
  // Above the CLI's 8 MiB threshold: multipart upload going up, parallel ranged GETs coming down.
  fs.writeFileSync(path.join(up, 'big.bin'), crypto.randomBytes(9 * 1024 * 1024 + 123));
  const sync = aws(key, 's3', 'sync', up, `s3://${datasetId}/`);
  expect(sync.status, sync.stderr).toBe(0);
  const ls = aws(key, 's3', 'ls', '--recursive', `s3://${datasetId}/`);
  expect(ls.stdout).toContain('sub/deeper/données é.txt');
  expect(ls.stdout).toMatch(/700000 sub\/rand\.bin/);
  expect(ls.stdout).toMatch(/9437307 big\.bin/);
  const down = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-s3-down-'));
  const back = aws(key, 's3', 'sync', `s3://${datasetId}/`, down);
  expect(back.status, back.stderr).toBe(0);
  expect(treeOf(down)).toEqual(treeOf(up));
  const head = JSON.parse(aws(key, 's3api', 'head-object', '--bucket', datasetId, '--key', 'sub/rand.bin').stdout);
  expect(head.ContentLength).toBe(700_000);
  // A server-side copy above 8 MiB: the CLI uses multipart with UploadPartCopy.
  const copy = aws(key, 's3', 'cp', `s3://${datasetId}/big.bin`, `s3://${datasetId}/copies/big.bin`);
  expect(copy.status, copy.stderr).toBe(0);
  const copied = JSON.parse(aws(key, 's3api', 'head-object', '--bucket', datasetId, '--key', 'copies/big.bin').stdout);
  expect([copied.ContentLength, copied.ETag]).toEqual([9 * 1024 * 1024 + 123, JSON.parse(aws(key, 's3api', 'head-object', '--bucket', datasetId, '--key', 'big.bin').stdout).ETag]);

  // boto3: folders, a presigned URL, delete.
  const script = `
import sys, urllib.request, boto3
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1", config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
b = sys.argv[2]
s3.put_object(Bucket=b, Key="made-by-boto/", Body=b"")
s3.put_object(Bucket=b, Key="made-by-boto/note.txt", Body=b"from boto3")
r = s3.list_objects_v2(Bucket=b, Delimiter="/")
print("prefixes", sorted(p["Prefix"] for p in r.get("CommonPrefixes", [])))
print("get", s3.get_object(Bucket=b, Key="made-by-boto/note.txt")["Body"].read().decode())
print("presigned", urllib.request.urlopen(s3.generate_presigned_url("get_object", Params={"Bucket": b, "Key": "a.csv"}, ExpiresIn=60)).read().decode().splitlines()[0])
s3.delete_object(Bucket=b, Key="a.csv")
print("after delete", "a.csv" in [o["Key"] for o in s3.list_objects_v2(Bucket=b).get("Contents", [])])
`;
  const py = execFileSync(PYTHON, ['-c', script, key.endpoint, datasetId], { env: clientEnv(key), encoding: 'utf8' });
  expect(py).toContain("prefixes ['copies/', 'made-by-boto/', 'sub/']");
  expect(py).toContain('get from boto3');
  expect(py).toContain('presigned x,y');
  expect(py).toContain('after delete False');

  // The web UI sees what S3 wrote, and the activity log says how.
  await page.goto(`/datasets/${datasetId}`);
  await expect(page.getByRole('link', { name: 'made-by-boto', exact: true })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Bucket' })).toHaveValue(datasetId);
  await page.goto(`/datasets/${datasetId}/activity`); // the activity log is the Activity tab
  await expect(page.getByText('uploaded sub/rand.bin via access key laptop')).toBeVisible();

  // A read-only key for this dataset: reads work, writes are refused.
  const readOnly = await createKey(page, 'job', { access: 'Read only', datasets: name });
  expect(aws(readOnly, 's3', 'ls', `s3://${datasetId}/sub/`).stdout).toContain('rand.bin');
  const refused = aws(readOnly, 's3', 'cp', path.join(up, 'a.csv'), `s3://${datasetId}/nope.csv`);
  expect(refused.status).not.toBe(0);
  expect(refused.stderr).toContain('AccessDenied');
  expect(aws(readOnly, 's3', 'ls').stdout.trim().split('\n')).toHaveLength(1);

  // Revoking applies to the very next request.
  await page.goto('/account');
  await expect(page.getByRole('cell', { name: 'job', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Revoke job' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Revoked “job”.' })).toBeVisible();
  const after = aws(readOnly, 's3', 'ls', `s3://${datasetId}/`);
  expect(after.stderr).toContain('InvalidAccessKeyId');
});

// FUSE mounts: rclone and s3fs-fuse, read-only, with a read-only key for one dataset (the job case).
const RCLONE = '/usr/bin/rclone';
const S3FS = '/usr/bin/s3fs';

test('rclone and s3fs mount a dataset read-only with its role enforced', async ({ page }) => {
  requireTools([RCLONE, S3FS, '/dev/fuse', '/usr/bin/fusermount'], 'rclone, s3fs and FUSE (apt-get install rclone s3fs)');
  if (process.getuid?.() !== 0) throw new Error('e2e/s3.spec.ts mounts with FUSE, which needs root here');
  test.setTimeout(120_000);
  await signUp(page, 'Mona Mount');
  const name = `Mount ${Date.now()}`;
  const datasetId = (await createDataset(page, name)).split('/').pop()!;
  const writer = await createKey(page, 'writer');
  const src = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-s3-src-'));
  fs.mkdirSync(path.join(src, 'nested'));
  fs.writeFileSync(path.join(src, 'nested', 'data.bin'), crypto.randomBytes(1_500_000));
  fs.writeFileSync(path.join(src, 'top.txt'), 'top\n');
  expect(aws(writer, 's3', 'sync', src, `s3://${datasetId}/`).status).toBe(0);
  const job = await createKey(page, 'job mount', { access: 'Read only', datasets: name });

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-s3-mnt-'));
  const env = { ...clientEnv(job) };
  const unmount = (dir: string) => spawnSync('/usr/bin/fusermount', ['-u', dir]);

  // rclone: copy down, then mount.
  const conf = path.join(tmp, 'rclone.conf');
  fs.writeFileSync(conf, `[trove]\ntype = s3\nprovider = Other\naccess_key_id = ${job.id}\nsecret_access_key = ${job.secret}\nendpoint = ${job.endpoint}\nforce_path_style = true\n`);
  const rclone = (...args: string[]) => spawnSync(RCLONE, ['--config', conf, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  expect(rclone('check', src, `trove:${datasetId}`).status).toBe(0);
  expect(rclone('copyto', path.join(src, 'top.txt'), `trove:${datasetId}/refused.txt`).status).not.toBe(0);
  const rcMount = path.join(tmp, 'rclone');
  fs.mkdirSync(rcMount);
  expect(rclone('mount', `trove:${datasetId}`, rcMount, '--read-only', '--daemon').status).toBe(0);
  try {
    await expect.poll(() => fs.existsSync(path.join(rcMount, 'top.txt')), { timeout: 15_000 }).toBe(true);
    expect(treeOf(rcMount)).toEqual(treeOf(src));
  } finally {
    unmount(rcMount);
  }

  // s3fs-fuse.
  const passwd = path.join(tmp, 'passwd');
  fs.writeFileSync(passwd, `${job.id}:${job.secret}\n`, { mode: 0o600 });
  const fsMount = path.join(tmp, 's3fs');
  fs.mkdirSync(fsMount);
  const mounted = spawnSync(S3FS, [datasetId, fsMount, '-o', `ro,passwd_file=${passwd},url=${job.endpoint},use_path_request_style`], { env, encoding: 'utf8', timeout: 30_000 });
  expect(mounted.status, mounted.stderr).toBe(0);
  try {
    await expect.poll(() => fs.existsSync(path.join(fsMount, 'top.txt')), { timeout: 15_000 }).toBe(true);
    expect(treeOf(fsMount)).toEqual(treeOf(src));
  } finally {
    unmount(fsMount);
  }
});

// The scale: 1,000 small files synced up and back byte for byte, and a 200 MB multipart upload.
test('aws s3 sync of 1,000 small files up and down, and a 200 MB multipart upload, byte for byte', async ({ page }) => {
  test.setTimeout(600_000);
  await signUp(page, 'Tess Thousand');
  const datasetId = (await createDataset(page, `Scale ${Date.now()}`)).split('/').pop()!;
  const key = await createKey(page, 'scale');

  const up = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-s3-many-'));
  const seed = crypto.randomBytes(64 * 1024);
  for (let i = 0; i < 1000; i++) {
    const dir = path.join(up, `part-${String(i % 10).padStart(2, '0')}`);
    fs.mkdirSync(dir, { recursive: true });
    const size = 1 + ((i * 7919) % 4096);
    fs.writeFileSync(path.join(dir, `f${String(i).padStart(4, '0')}.bin`), seed.subarray(i, i + size));
  }
  const sync = awsFor(300_000, key, 's3', 'sync', '--only-show-errors', up, `s3://${datasetId}/many/`);
  expect(sync.status, sync.stderr).toBe(0);
  const listed = JSON.parse(aws(key, 's3api', 'list-objects-v2', '--bucket', datasetId, '--prefix', 'many/', '--query', '{n: length(Contents)}').stdout);
  expect(listed.n).toBe(1000);
  const down = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-s3-many-down-'));
  const back = awsFor(300_000, key, 's3', 'sync', '--only-show-errors', `s3://${datasetId}/many/`, down);
  expect(back.status, back.stderr).toBe(0);
  expect(treeOf(down)).toEqual(treeOf(up));
  // A second sync finds nothing to do.
  expect(awsFor(300_000, key, 's3', 'sync', '--dryrun', up, `s3://${datasetId}/many/`).stdout.trim()).toBe('');

  // 200 MB: the CLI splits it into 8 MiB parts; the downloaded copy must hash the same.
  const bigDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-s3-big-'));
  const big = path.join(bigDir, 'big.bin');
  const block = crypto.randomBytes(1024 * 1024);
  const fd = fs.openSync(big, 'w');
  for (let i = 0; i < 200; i++) {
    block.writeUInt32BE(i, 0); // every MiB differs, so a misplaced part cannot hash the same
    fs.writeSync(fd, block);
  }
  fs.closeSync(fd);
  const cp = awsFor(300_000, key, 's3', 'cp', '--only-show-errors', big, `s3://${datasetId}/big/200mb.bin`);
  expect(cp.status, cp.stderr).toBe(0);
  const head = JSON.parse(aws(key, 's3api', 'head-object', '--bucket', datasetId, '--key', 'big/200mb.bin').stdout);
  expect(head.ContentLength).toBe(200 * 1024 * 1024);
  const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  expect(head.ETag).toBe(`"${sha(big)}"`);
  const again = path.join(bigDir, 'again.bin');
  const get = awsFor(300_000, key, 's3', 'cp', '--only-show-errors', `s3://${datasetId}/big/200mb.bin`, again);
  expect(get.status, get.stderr).toBe(0);
  expect(sha(again)).toBe(sha(big));
  // Nothing left in progress.
  expect(JSON.parse(aws(key, 's3api', 'list-multipart-uploads', '--bucket', datasetId, '--output', 'json').stdout || '{}').Uploads ?? []).toEqual([]);
  for (const d of [up, down, bigDir]) fs.rmSync(d, { recursive: true, force: true });
});

// The Backend.AI scenario: a dataset shared read-only is mounted into a "job" with the invitee's own
// read-and-write key; the role decides. Then the owner makes them an editor: the SAME mount can create
// files but still not delete them. Revoking the key stops the mount's next request.
test('s3fs mount of a dataset shared read-only: role changes and revocation reach the same mount', async ({ page, browser }) => {
  requireTools([S3FS, '/dev/fuse', '/usr/bin/fusermount'], 's3fs and FUSE (apt-get install s3fs)');
  if (process.getuid?.() !== 0) throw new Error('e2e/s3.spec.ts mounts with FUSE, which needs root here');
  test.setTimeout(180_000);
  await signUp(page, 'Alice Owner');
  const name = `Shared mount ${Date.now()}`;
  const datasetId = (await createDataset(page, name)).split('/').pop()!;
  const ownerKey = await createKey(page, 'owner laptop');
  const src = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-s3-shared-'));
  fs.writeFileSync(path.join(src, 'train.csv'), 'a,b\n1,2\n');
  fs.writeFileSync(path.join(src, 'later.txt'), 'read after revocation\n');
  expect(aws(ownerKey, 's3', 'sync', src, `s3://${datasetId}/`).status).toBe(0);

  const bobContext = await browser.newContext();
  const bob = await bobContext.newPage();
  const { email } = await signUp(bob, 'Bob Invitee');
  await page.goto(`/datasets/${datasetId}`);
  await share(page, name, email, 'Viewer');
  await page.keyboard.press('Escape');
  await bob.goto(await invitationLinkFor(email));
  await bob.getByRole('button', { name: 'Accept invitation' }).click();
  await expect(bob.getByRole('heading', { level: 1, name })).toBeVisible();
  // Bob's key may write: only his role on this dataset holds him back.
  const bobKey = await createKey(bob, 'job', { access: 'Read and write', datasets: 'All my datasets' });

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-s3-job-'));
  const passwd = path.join(tmp, 'passwd');
  fs.writeFileSync(passwd, `${bobKey.id}:${bobKey.secret}\n`, { mode: 0o600 });
  const mnt = path.join(tmp, 'mnt');
  fs.mkdirSync(mnt);
  // stat_cache_expire=1: the mount asks the server again after a second, as a long job would.
  const mounted = spawnSync(S3FS, [datasetId, mnt, '-o', `passwd_file=${passwd},url=${bobKey.endpoint},use_path_request_style,stat_cache_expire=1`], { env: clientEnv(bobKey), encoding: 'utf8', timeout: 30_000 });
  expect(mounted.status, mounted.stderr).toBe(0);
  const sh = (cmd: string) => spawnSync('/bin/sh', ['-c', cmd], { cwd: mnt, encoding: 'utf8', timeout: 30_000 });
  try {
    await expect.poll(() => fs.existsSync(path.join(mnt, 'train.csv')), { timeout: 15_000 }).toBe(true);
    // Viewer: ls and cat work; touch and rm fail with a permission error.
    expect(sh('ls').stdout.split('\n')).toEqual(expect.arrayContaining(['later.txt', 'train.csv']));
    expect(sh('cat train.csv').stdout).toBe('a,b\n1,2\n');
    const touched = sh('touch new-as-viewer.txt');
    expect(touched.status).not.toBe(0);
    expect(touched.stderr).toMatch(/Permission denied|Operation not permitted/);
    const removed = sh('rm -f train.csv');
    expect(removed.status).not.toBe(0);
    expect(removed.stderr).toMatch(/Permission denied|Operation not permitted/);
    expect(aws(ownerKey, 's3', 'ls', `s3://${datasetId}/`).stdout).toContain('train.csv');

    // The owner makes Bob an editor; the same mount may now create files, still not delete them.
    await page.reload();
    const people = page.getByRole('region', { name: 'People with access' });
    await people.getByRole('combobox', { name: `Role for ${email}` }).selectOption({ label: 'Editor' });
    await expect(page.getByText(`changed ${email}’s role to editor`)).toBeVisible();
    const created = sh('echo "from the job" > results.txt && touch empty.txt');
    expect(created.status, created.stderr).toBe(0);
    expect(aws(ownerKey, 's3', 'cp', `s3://${datasetId}/results.txt`, '-').stdout).toBe('from the job\n');
    expect(aws(ownerKey, 's3', 'ls', `s3://${datasetId}/`).stdout).toContain('empty.txt');
    const stillNoDelete = sh('rm -f results.txt');
    expect(stillNoDelete.status).not.toBe(0);
    expect(stillNoDelete.stderr).toMatch(/Permission denied|Operation not permitted/);
    expect(aws(ownerKey, 's3', 'ls', `s3://${datasetId}/`).stdout).toContain('results.txt');

    // Bob revokes the key: the mount's next requests fail.
    await bob.goto('/account');
    await bob.getByRole('button', { name: 'Revoke job' }).click();
    await expect(bob.getByRole('status').filter({ hasText: 'Revoked “job”.' })).toBeVisible();
    // (s3fs turns the refused read of a file it has not read yet into an empty one: no bytes come through.)
    expect(sh('cat later.txt').stdout).toBe('');
    const listing = sh('ls');
    expect(listing.status).not.toBe(0);
    expect(listing.stderr).toMatch(/Permission denied|Operation not permitted/);
    expect(aws(bobKey, 's3', 'ls', `s3://${datasetId}/`).stderr).toContain('InvalidAccessKeyId');
  } finally {
    spawnSync('/usr/bin/fusermount', ['-u', mnt]);
    await bobContext.close();
  }
});

test('pages still drop a trailing slash (next.config keeps them for S3 keys), and stay on this site', async ({ request, baseURL }) => {
  for (const [from, to] of [['/datasets/', '/datasets'], ['/login/?x=1', '/login?x=1'], ['//evil.example/', null]]) {
    const res = await request.get(`${baseURL}${from}`, { maxRedirects: 0 });
    expect(res.status(), from!).toBe(308);
    const location = new URL(res.headers().location, baseURL);
    expect(location.origin, from!).toBe(baseURL);
    if (to) expect(location.href, from!).toBe(`${baseURL}${to}`);
  }
});
