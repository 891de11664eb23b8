// `npm run bench:files` — upload and download one large file through the app, printing MB/s and the
// server's peak RSS growth for each, and download throughput against a plain fs.createReadStream
// HTTP server on the same file. A measurement, not a test.
//
// By default it starts the production build itself (NEXT_DIST_DIR or .next; `next build` first) on
// BENCH_PORT (3410) with a throw-away DATA_DIR, and signs up a user and creates a dataset through the
// UI with Playwright's Chromium. Against an app you run yourself: BENCH_URL (and BENCH_PID for RSS),
// plus BENCH_EMAIL / BENCH_PASSWORD of an existing account (else one is signed up) and optionally
// BENCH_DATASET_ID. BENCH_SIZE_MB (default 1024) sets the file size.
import { spawn } from 'node:child_process';
import { rssOf, treeOf } from './lib/app-harness.mjs';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const MiB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_SIZE_MB || 1024) * MiB;
const PORT = Number(process.env.BENCH_PORT || 3410);
const external = Boolean(process.env.BENCH_URL);
const BASE = (process.env.BENCH_URL || `http://127.0.0.1:${PORT}`).replace(/\/+$/, '');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-bench-'));
const children = [];

function cleanup() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  fs.rmSync(work, { recursive: true, force: true });
}
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

// ---- server memory: VmRSS of the server process and its descendants (scripts/lib/app-harness.mjs) ----
async function measure(pid, fn) {
  if (!pid) return { ...(await fn()), rssGrowth: null };
  await new Promise((r) => setTimeout(r, 500));
  const base = rssOf(pid);
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 20);
  try {
    const result = await fn();
    peak = Math.max(peak, rssOf(pid));
    return { ...result, rssGrowth: peak - base };
  } finally {
    clearInterval(timer);
  }
}

// ---- HTTP ----
function request(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      let bytes = 0;
      const chunks = [];
      // Bodies of big downloads are counted and dropped; small answers (JSON, errors) are kept.
      res.on('data', (c) => {
        bytes += c.length;
        if (bytes <= MiB) chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, bytes, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body) body.pipe(req);
    else req.end();
  });
}
async function timed(fn) {
  const t = process.hrtime.bigint();
  const r = await fn();
  return { ...r, seconds: Number(process.hrtime.bigint() - t) / 1e9 };
}
const mbps = (bytes, s) => bytes / MiB / s;

async function waitFor(url, ms = 120_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await request(url)).status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up`);
}

// ---- set-up: server, user, dataset ----
async function startApp() {
  const distDir = process.env.NEXT_DIST_DIR || '.next';
  if (!fs.existsSync(path.join(distDir, 'BUILD_ID'))) throw new Error(`No production build in ${distDir}: run \`next build\` first.`);
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    env: { ...process.env, PORT: String(PORT), HOSTNAME: '127.0.0.1', NEXT_TELEMETRY_DISABLED: '1', DATA_DIR: path.join(work, 'data'), APP_URL: BASE, MAX_UPLOAD_BYTES: String(SIZE * 2), RESEND_API_KEY: '', DATABASE_URL: '' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  const exited = new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`the app exited (${code}); is port ${PORT} free? (BENCH_PORT)`))));
  await Promise.race([waitFor(`${BASE}/login`), exited]);
  return child.pid;
}

async function session() {
  const { chromium } = await import('@playwright/test');
  const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
  const browser = await chromium.launch({ executablePath, args: ['--disable-gpu', '--no-first-run'] });
  try {
    const page = await browser.newPage({ baseURL: BASE });
    const email = process.env.BENCH_EMAIL || `bench-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const password = process.env.BENCH_PASSWORD || 'bench password 123';
    if (process.env.BENCH_EMAIL) {
      await page.goto('/login');
      await page.getByRole('textbox', { name: 'Email' }).fill(email);
      await page.getByRole('textbox', { name: 'Password' }).fill(password);
      await page.getByRole('button', { name: 'Log in' }).click();
    } else {
      await page.goto('/signup');
      await page.getByRole('textbox', { name: 'Name' }).fill('Bench');
      await page.getByRole('textbox', { name: 'Email' }).fill(email);
      await page.getByRole('textbox', { name: 'Password' }).fill(password);
      await page.getByRole('button', { name: 'Create account' }).click();
      // Sign-up answers "check your email" (no email here): then log in.
      await page.getByRole('heading', { name: 'Check your email' }).waitFor();
      await page.goto('/login');
      await page.getByRole('textbox', { name: 'Email' }).fill(email);
      await page.getByRole('textbox', { name: 'Password' }).fill(password);
      await page.getByRole('button', { name: 'Log in' }).click();
    }
    await page.waitForURL(/\/datasets/);
    let datasetId = process.env.BENCH_DATASET_ID;
    if (!datasetId) {
      await page.goto('/datasets/new');
      await page.getByRole('textbox', { name: 'Name' }).fill(`bench ${Date.now()}`);
      await page.getByRole('button', { name: 'Create dataset' }).click();
      await page.waitForURL(/\/datasets\/[0-9a-f-]{36}/);
      datasetId = new URL(page.url()).pathname.split('/').pop();
    }
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    return { cookie, datasetId };
  } finally {
    await browser.close();
  }
}

async function makeFile(file, size) {
  const out = fs.createWriteStream(file);
  const chunk = Buffer.alloc(MiB);
  for (let written = 0; written < size; written += MiB) {
    crypto.randomFillSync(chunk);
    if (!out.write(chunk.subarray(0, Math.min(MiB, size - written)))) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r, j) => out.end((e) => (e ? j(e) : r())));
}

function startPlainServer(file) {
  const src = `const fs=require('fs');require('http').createServer((q,s)=>{const st=fs.statSync(${JSON.stringify(file)});s.writeHead(200,{'Content-Length':st.size,'Content-Type':'application/octet-stream'});fs.createReadStream(${JSON.stringify(file)}).pipe(s)}).listen(0,'127.0.0.1',function(){console.log(this.address().port)})`;
  const child = spawn(process.execPath, ['-e', src], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve) => child.stdout.once('data', (d) => resolve({ port: Number(String(d).trim()), pid: child.pid })));
}

// ---- run ----
const pid = external ? Number(process.env.BENCH_PID) || null : await startApp();
const { cookie, datasetId } = await session();
const file = path.join(work, 'bench.bin');
console.log(`Generating ${SIZE / MiB} MiB of random data…`);
await makeFile(file, SIZE);
const url = (name) => `${BASE}/api/datasets/${datasetId}/files/bench/${name}`;
const put = (name, f, size) => request(url(name), { method: 'PUT', headers: { Cookie: cookie, 'Content-Type': 'application/octet-stream', 'Content-Length': size }, body: fs.createReadStream(f) });
const get = (u, headers = {}) => request(u, { headers: { Cookie: cookie, ...headers } });

// Warm up (JIT, first database queries) so growth measures the transfer, not the first request.
const warm = path.join(work, 'warm.bin');
await makeFile(warm, 8 * MiB);
await put('warm.bin', warm, 8 * MiB);
await get(url('warm.bin'));

const up = await measure(pid, () => timed(() => put('big.bin', file, SIZE)));
if (up.status !== 201 && up.status !== 200) throw new Error(`upload failed: ${up.status} ${up.text}`);
// App and plain downloads alternate, best of three each, so a busy machine skews both alike.
const plain = await startPlainServer(file);
const downs = [];
const plains = [];
for (let i = 0; i < 3; i++) {
  downs.push(await measure(pid, () => timed(() => get(url('big.bin')))));
  plains.push(await timed(() => request(`http://127.0.0.1:${plain.port}/`)));
}
const best = (runs) => runs.reduce((a, b) => (a.seconds < b.seconds ? a : b));
const down = { ...best(downs), rssGrowth: pid ? Math.max(...downs.map((d) => d.rssGrowth)) : null };
const plainBest = best(plains);
if (down.bytes !== SIZE) throw new Error(`download returned ${down.bytes} bytes`);
const sample = await fetch(url('big.bin'), { headers: { Cookie: cookie, Range: 'bytes=1000000-1000999' } });
const expected = Buffer.alloc(1000);
fs.readSync(fs.openSync(file, 'r'), expected, 0, 1000, 1_000_000);
const sampleOk = sample.status === 206 && Buffer.from(await sample.arrayBuffer()).equals(expected);


// Clients that go away: an aborted download must release the blob's file handle; an aborted
// upload must leave no entry and no temp file.
async function abortAfter(req, bytes) {
  await new Promise((resolve) => {
    let seen = 0;
    req.on('response', (res) => res.on('data', (c) => (seen += c.length) > bytes && (req.destroy(), resolve())));
    req.on('error', resolve);
    req.on('close', resolve);
  });
  await new Promise((r) => setTimeout(r, 1000));
}
const openBlobs = () => (pid ? treeOf(pid).flatMap((p) => fs.readdirSync(`/proc/${p}/fd`).map((fd) => { try { return fs.readlinkSync(`/proc/${p}/fd/${fd}`); } catch { return ''; } })).filter((l) => l.includes('/blobs/')).length : null);
await abortAfter(http.get(url('big.bin'), { headers: { Cookie: cookie }, agent: false }), 20 * MiB);
const blobsOpenAfterAbort = openBlobs();
const partial = http.request(url('aborted.bin'), { method: 'PUT', agent: false, headers: { Cookie: cookie, 'Content-Length': 100 * MiB } });
partial.on('error', () => {});
partial.write(Buffer.alloc(10 * MiB));
await new Promise((r) => setTimeout(r, 500));
partial.destroy();
await new Promise((r) => setTimeout(r, 1000));
const abortedStatus = (await get(url('aborted.bin'))).status;
const tmpDir = path.join(work, 'data', 'blobs', 'tmp');
const tmpLeft = external ? null : fs.existsSync(tmpDir) ? fs.readdirSync(tmpDir, { recursive: true }).filter((n) => String(n).endsWith('.part')).length : 0;

const fmt = (n) => (n === null ? 'n/a (set BENCH_PID)' : `${(n / MiB).toFixed(1)} MiB`);
const upMBps = mbps(SIZE, up.seconds);
const downMBps = mbps(SIZE, down.seconds);
const plainMBps = mbps(SIZE, plainBest.seconds);
const ratio = downMBps / plainMBps;
console.log(`\nTrove file transfer bench — ${SIZE / MiB} MiB, ${BASE}${pid ? ` (server pid ${pid})` : ''}`);
console.log(`upload:    ${upMBps.toFixed(0)} MB/s   server RSS growth ${fmt(up.rssGrowth)}   (target < 128 MiB)`);
console.log(`download:  ${downMBps.toFixed(0)} MB/s   server RSS growth ${fmt(down.rssGrowth)}   (target < 64 MiB)`);
console.log(`plain fs:  ${plainMBps.toFixed(0)} MB/s   download/plain = ${ratio.toFixed(2)}   (target ≥ 0.80)`);
console.log(`range:     ${sample.status} ${sample.headers.get('content-range')} — bytes ${sampleOk ? 'match' : 'DIFFER'}; upload sha256 ${JSON.parse(up.text).sha256 === down.headers.etag?.replaceAll('"', '') ? 'matches' : 'differs from'} the ETag`);
console.log(`aborts:    download → ${blobsOpenAfterAbort ?? 'n/a'} blob files still open; upload → entry ${abortedStatus === 404 ? 'absent (404)' : `PRESENT (${abortedStatus})`}, ${tmpLeft ?? 'n/a'} temp files left`);
const ok = [blobsOpenAfterAbort === null || blobsOpenAfterAbort === 0, abortedStatus === 404, !tmpLeft, up.rssGrowth === null || up.rssGrowth < 128 * MiB, down.rssGrowth === null || down.rssGrowth < 64 * MiB, ratio >= 0.8, sampleOk];
console.log(ok.every(Boolean) ? 'All targets met.' : 'Some targets were missed.');
process.exit(0);
