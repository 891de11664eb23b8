// Two `npm start` processes on one PostgreSQL database and one bucket act as one service (issue 11.3):
// both start on the same DATA_DIR (the embedded-database lock does not apply with DATABASE_URL); a
// session made on A works on B; a file uploaded through A downloads through B, whole and in ranges;
// a log-out on A is obeyed by B on the next request; every email is sent once although both instances
// run a worker; the blobs of a dataset deleted through A leave the bucket.
//
// Needs `npm run build` and FAULT_DATABASE_URL (or DATABASE_URL) of a database it may use; skipped without.
// Ports: TWO_PORT_A (3320), TWO_PORT_B (3321), TWO_S3_PORT (0 = any free port) for s3rver.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startApp } from '../lib/app-harness.mjs';
import { startS3rver } from '../lib/s3rver.mjs';

const url = process.env.FAULT_DATABASE_URL || process.env.DATABASE_URL;
if (!url) {
  console.log('two-instances: skipped (set FAULT_DATABASE_URL to a PostgreSQL database it may use).');
  process.exit(0);
}
const PORT_A = Number(process.env.TWO_PORT_A || 3320);
const PORT_B = Number(process.env.TWO_PORT_B || 3321);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-two-'));
const cleanups = [];
let failed = false;
const check = async (name, fn) => {
  const t0 = Date.now();
  try {
    await fn();
    console.log(`  ok   ${name} (${Date.now() - t0} ms)`);
  } catch (err) {
    failed = true;
    console.log(`  FAIL ${name}: ${err instanceof Error ? err.message : err}`);
  }
};

// A Resend stand-in that counts every send by Idempotency-Key (it does not deduplicate, so a double send shows).
const sends = [];
const resend = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  if (req.method === 'POST' && req.url === '/emails') {
    const body = JSON.parse(Buffer.concat(chunks).toString());
    sends.push({ key: req.headers['idempotency-key'], to: [].concat(body.to).join(',') });
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ id: crypto.randomUUID() }));
  }
  res.writeHead(404).end();
});
await new Promise((r) => resend.listen(0, '127.0.0.1', r));
cleanups.push(() => new Promise((r) => resend.close(r)));

const s3 = await startS3rver({ port: Number(process.env.TWO_S3_PORT || 0), buckets: ['trove-two'] });
cleanups.push(() => s3.stop());
const env = {
  DATABASE_URL: url,
  DATA_DIR: dataDir, // the same for both: no lock with DATABASE_URL, and nothing of the files lives there
  ...s3.env('trove-two', { S3_PREFIX: `two-${process.pid}` }),
  RESEND_API_KEY: 're_two_instances',
  RESEND_BASE_URL: `http://127.0.0.1:${resend.address().port}`,
  EMAIL_WORKER_INTERVAL_MS: '100',
  MAX_UPLOAD_BYTES: String(64 << 20),
};
let a;
let b;
try {
  [a, b] = await Promise.all([
    startApp({ port: PORT_A, env: { ...env, APP_URL: `http://127.0.0.1:${PORT_A}` } }),
    startApp({ port: PORT_B, env: { ...env, APP_URL: `http://127.0.0.1:${PORT_B}` } }),
  ]);
} catch (err) {
  console.log(`two-instances: FAILED to start both instances on one DATA_DIR: ${err.message}`);
  for (const c of cleanups.reverse()) await c().catch(() => {});
  process.exit(1);
}
cleanups.push(() => a.stop(), () => b.stop());
console.log(`two-instances: A ${a.base} (pid ${a.pid}), B ${b.base} (pid ${b.pid}), one database, bucket on ${s3.endpoint}, one DATA_DIR`);

const { chromium } = await import('@playwright/test');
const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
const browser = await chromium.launch({ executablePath, args: ['--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'] });
cleanups.push(() => browser.close());

async function signUp(base, name) {
  const page = await browser.newPage({ baseURL: base });
  const email = `two-${crypto.randomUUID().slice(0, 8)}@example.test`;
  await page.goto('/signup');
  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill('two instances 123');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
  return { page, email };
}

try {
  await check('both instances ready (database, migrations, bucket)', async () => {
    for (const app of [a, b]) {
      const r = await fetch(`${app.base}/api/health/ready`);
      const body = await r.json();
      assert.equal(r.status, 200, JSON.stringify(body));
      assert.equal(body.checks.storage, 'ok');
    }
  });

  // Sign-ups alternate between the instances; each queues one verification email.
  const users = [];
  for (let i = 0; i < 6; i++) users.push(await signUp(i % 2 ? b.base : a.base, `Two ${i}`));
  const { page, email } = users[0];
  await page.goto(`${a.base}/login`);
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill('two instances 123');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/datasets/);
  await page.goto(`${a.base}/datasets/new`);
  await page.getByRole('textbox', { name: 'Name' }).fill(`two ${Date.now()}`);
  await page.getByRole('button', { name: 'Create dataset' }).click();
  await page.waitForURL(/\/datasets\/[0-9a-f-]{36}/);
  const datasetId = new URL(page.url()).pathname.split('/').pop();
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const fileUrl = (app, name) => `${app.base}/api/datasets/${datasetId}/files/two/${name}`;

  await check('a session made on A works on B', async () => {
    const r = await fetch(`${b.base}/datasets/${datasetId}`, { headers: { cookie }, redirect: 'manual' });
    assert.equal(r.status, 200);
  });

  const bytes = crypto.randomBytes(20 << 20);
  await check('upload 20 MiB through A, download through B: same bytes, Content-Length, ranges', async () => {
    const up = await fetch(fileUrl(a, 'data.bin'), { method: 'PUT', body: bytes, headers: { cookie, 'content-type': 'application/octet-stream' } });
    assert.equal(up.status, 201, await up.clone().text());
    const { sha256 } = await up.json();
    const down = await fetch(fileUrl(b, 'data.bin'), { headers: { cookie } });
    assert.equal(down.status, 200);
    assert.equal(down.headers.get('content-length'), String(bytes.length));
    const got = Buffer.from(await down.arrayBuffer());
    assert.equal(crypto.createHash('sha256').update(got).digest('hex'), sha256);
    const part = await fetch(fileUrl(b, 'data.bin'), { headers: { cookie, range: 'bytes=9000000-9000099' } });
    assert.equal(part.status, 206);
    assert.ok(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(9_000_000, 9_000_100)));
  });

  await check('an overwrite through B is what A serves next', async () => {
    const up = await fetch(fileUrl(b, 'data.bin'), { method: 'PUT', body: 'v2', headers: { cookie } });
    assert.equal(up.status, 200);
    assert.equal(await (await fetch(fileUrl(a, 'data.bin'), { headers: { cookie } })).text(), 'v2');
  });

  await check('each of the 6 verification emails is sent exactly once by the two workers', async () => {
    for (const until = Date.now() + 30_000; new Set(sends.map((s) => s.key)).size < 6 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 2_000)); // room for a second send, should there be one
    const mine = sends.filter((s) => users.some((u) => s.to === u.email));
    assert.equal(mine.length, 6, `sends: ${JSON.stringify(mine)}`);
    assert.equal(new Set(mine.map((s) => s.key)).size, 6);
  });

  await check('log out on A: the same cookie is refused by B on the next request', async () => {
    await page.goto(`${a.base}/datasets`);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login/);
    const r = await fetch(fileUrl(b, 'data.bin'), { headers: { cookie } });
    assert.equal(r.status, 401);
  });

  await check("a dataset deleted on A: its blobs leave the bucket (deletion queue)", async () => {
    const other = users[1];
    await other.page.goto(`${b.base}/login`);
    await other.page.getByRole('textbox', { name: 'Email' }).fill(other.email);
    await other.page.getByRole('textbox', { name: 'Password' }).fill('two instances 123');
    await other.page.getByRole('button', { name: 'Log in' }).click();
    await other.page.waitForURL(/\/datasets/);
    const c2 = (await other.page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const name = `gone ${Date.now()}`;
    await other.page.goto(`${b.base}/datasets/new`);
    await other.page.getByRole('textbox', { name: 'Name' }).fill(name);
    await other.page.getByRole('button', { name: 'Create dataset' }).click();
    await other.page.waitForURL(/\/datasets\/[0-9a-f-]{36}/);
    const id2 = new URL(other.page.url()).pathname.split('/').pop();
    for (const n of ['x', 'y', 'z']) {
      const r = await fetch(`${b.base}/api/datasets/${id2}/files/${n}.bin`, { method: 'PUT', body: crypto.randomBytes(1000), headers: { cookie: c2 } });
      assert.equal(r.status, 201);
    }
    const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const count = async () => (await client.send(new ListObjectsV2Command({ Bucket: 'trove-two', Prefix: `two-${process.pid}/` }))).KeyCount ?? 0;
    const before = await count();
    await other.page.goto(`${a.base}/datasets/${id2}`);
    await other.page.getByRole('button', { name: 'Delete dataset' }).click();
    const dialog = other.page.getByRole('dialog');
    await dialog.getByRole('textbox').fill(name);
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await other.page.waitForURL(/\/datasets$/);
    for (const until = Date.now() + 15_000; (await count()) > before - 3 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 250));
    assert.equal(await count(), before - 3);
  });
} finally {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  fs.rmSync(dataDir, { recursive: true, force: true });
}
console.log(failed ? 'two-instances: FAILED' : 'two-instances: passed');
process.exit(failed ? 1 : 0);
