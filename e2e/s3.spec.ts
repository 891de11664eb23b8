import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { createDataset } from './fixtures/datasets';
import { signUp } from './fixtures/users';

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

const aws = (key: Key, ...args: string[]) => spawnSync(AWS, ['--endpoint-url', key.endpoint, ...args], { env: clientEnv(key), encoding: 'utf8', timeout: 60_000 });

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

test('pages still drop a trailing slash (next.config keeps them for S3 keys), and stay on this site', async ({ request, baseURL }) => {
  for (const [from, to] of [['/datasets/', '/datasets'], ['/login/?x=1', '/login?x=1'], ['//evil.example/', null]]) {
    const res = await request.get(`${baseURL}${from}`, { maxRedirects: 0 });
    expect(res.status(), from!).toBe(308);
    const location = new URL(res.headers().location, baseURL);
    expect(location.origin, from!).toBe(baseURL);
    if (to) expect(location.href, from!).toBe(`${baseURL}${to}`);
  }
});
