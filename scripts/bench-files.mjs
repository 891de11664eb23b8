// `npm run bench:files` — upload and download one large file through the app, printing MB/s and the
// server's peak RSS growth for each, and download throughput against nginx serving the same file (or a
// plain fs.createReadStream HTTP server when nginx is missing). Then the same on the S3 driver against
// s3rver (BENCH_S3RVER_PORT, default BENCH_PORT + 2; BENCH_S3=0 skips it), compared with the same bytes put
// and got directly with the AWS SDK against the same s3rver. One PASS/FAIL line per goal. A measurement,
// not a test: run it under `flock /tmp/trove-bench.lock` on a shared machine.
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
import { Readable } from 'node:stream';

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
process.on('SIGTERM', () => process.exit(143));

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
async function startApp(port = PORT, extraEnv = {}, dataName = `data-${port}`) {
  const base = `http://127.0.0.1:${port}`;
  const distDir = process.env.NEXT_DIST_DIR || '.next';
  if (!fs.existsSync(path.join(distDir, 'BUILD_ID'))) throw new Error(`No production build in ${distDir}: run \`next build\` first.`);
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    env: { ...process.env, PORT: String(port), HOSTNAME: '127.0.0.1', NEXT_TELEMETRY_DISABLED: '1', DATA_DIR: path.join(work, dataName), APP_URL: base, MAX_UPLOAD_BYTES: String(SIZE * 2), RESEND_API_KEY: '', DATABASE_URL: '', STORAGE_DRIVER: 'local', ...extraEnv },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  const exited = new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`the app exited (${code}); is port ${port} free? (BENCH_PORT)`))));
  await Promise.race([waitFor(`${base}/login`), exited]);
  return child.pid;
}

async function session(BASE) {
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

// nginx serving one file on a free port (its own prefix in the work dir); null when nginx is missing.
async function startNginx(file) {
  const bin = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p));
  if (!bin) return null;
  const port = await new Promise((r) => { const srv = http.createServer().listen(0, '127.0.0.1', () => { const p = srv.address().port; srv.close(() => r(p)); }); });
  // nginx's workers run as an unprivileged user when started as root: let them reach the file.
  fs.chmodSync(work, 0o755);
  fs.chmodSync(file, 0o644);
  const prefix = path.join(work, 'nginx');
  fs.mkdirSync(path.join(prefix, 'logs'), { recursive: true });
  const conf = path.join(prefix, 'nginx.conf');
  fs.writeFileSync(conf, `daemon off; worker_processes 1; pid ${prefix}/nginx.pid; error_log ${prefix}/logs/error.log;
events { worker_connections 64; }
http { access_log off; sendfile on; tcp_nopush on; types { application/octet-stream bin; }
  client_body_temp_path ${prefix}; proxy_temp_path ${prefix}; fastcgi_temp_path ${prefix}; uwsgi_temp_path ${prefix}; scgi_temp_path ${prefix};
  server { listen 127.0.0.1:${port}; root ${path.dirname(file)}; } }`);
  const child = spawn(bin, ['-c', conf, '-p', prefix], { stdio: ['ignore', 'inherit', 'inherit'] });
  children.push(child);
  await waitFor(`http://127.0.0.1:${port}/${path.basename(file)}`, 10_000).catch(() => {});
  return { port, pid: child.pid, url: `http://127.0.0.1:${port}/${path.basename(file)}` };
}

// ---- run ----
const pid = external ? Number(process.env.BENCH_PID) || null : await startApp();
const { cookie, datasetId } = await session(BASE);
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

// The browser's resumable upload of the same file (files over 16 MiB): a session, 8 MiB parts (two at a
// time, as the browser sends them), then Complete, which streams the parts through the same commit.
async function resumable(name, f, size) {
  const base = `${BASE}/api/datasets/${datasetId}/uploads`;
  const json = (r) => JSON.parse(r.text);
  const created = await request(base, { method: 'POST', headers: { Cookie: cookie, 'Content-Type': 'application/json' }, body: Readable.from([JSON.stringify({ path: `bench/${name}`, size })]) });
  if (created.status !== 201) throw new Error(`session refused: ${created.status} ${created.text}`);
  const { id, partSize, parts } = json(created);
  // Two parts in flight, as the browser sends them (components/file-browser/resumable-upload.ts).
  let next = 1;
  const worker = async () => {
    for (let n = next++; n <= parts; n = next++) {
      const start = (n - 1) * partSize;
      const length = Math.min(partSize, size - start);
      const r = await request(`${base}/${id}/parts/${n}`, { method: 'PUT', headers: { Cookie: cookie, 'Content-Length': length }, body: fs.createReadStream(f, { start, end: start + length - 1 }) });
      if (r.status !== 200) throw new Error(`part ${n} refused: ${r.status} ${r.text}`);
    }
  };
  await Promise.all([worker(), worker()]);
  const sent = process.hrtime.bigint();
  const done = await request(`${base}/${id}`, { method: 'POST', headers: { Cookie: cookie } });
  return { ...done, completeSeconds: Number(process.hrtime.bigint() - sent) / 1e9 };
}
const upParts = await measure(pid, () => timed(() => resumable('big-parts.bin', file, SIZE)));
if (upParts.status !== 201) throw new Error(`resumable upload failed: ${upParts.status} ${upParts.text}`);
// App and reference downloads alternate, best of three each, so a busy machine skews both alike.
const nginx = await startNginx(file);
const plain = nginx ? null : await startPlainServer(file);
const referenceUrl = nginx ? nginx.url : `http://127.0.0.1:${plain.port}/`;
const referenceName = nginx ? 'nginx' : 'plain fs';
const downs = [];
const plains = [];
for (let i = 0; i < 3; i++) {
  downs.push(await measure(pid, () => timed(() => get(url('big.bin')))));
  plains.push(await timed(() => request(referenceUrl)));
}
const best = (runs) => runs.reduce((a, b) => (a.seconds < b.seconds ? a : b));
const down = { ...best(downs), rssGrowth: pid ? Math.max(...downs.map((d) => d.rssGrowth)) : null };
const plainBest = best(plains);
if (plainBest.bytes !== SIZE || plainBest.status !== 200) throw new Error(`${referenceName} answered ${plainBest.status} with ${plainBest.bytes} bytes`);
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
const openBlobs = () => (pid ? treeOf(pid).flatMap((p) => fs.readdirSync(`/proc/${p}/fd`).map((fd) => { try { return fs.readlinkSync(`/proc/${p}/fd/${fd}`); } catch { return ''; } })).filter((l) => l.includes('/blobs/') && !l.endsWith('/trove.lock')).length : null);
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
const goals = [];
const goal = (name, ok, detail) => goals.push({ name, ok, detail });
console.log(`\nTrove file transfer bench — ${SIZE / MiB} MiB, ${BASE}${pid ? ` (server pid ${pid})` : ''}`);
console.log(`local upload:    ${upMBps.toFixed(0)} MB/s   server RSS growth ${fmt(up.rssGrowth)}   (target < 128 MiB)`);
console.log(`local resumable: ${mbps(SIZE, upParts.seconds).toFixed(0)} MB/s   server RSS growth ${fmt(upParts.rssGrowth)}   (target < 128 MiB); ${(mbps(SIZE, upParts.seconds) / upMBps).toFixed(2)} × one PUT, Complete ${upParts.completeSeconds.toFixed(1)} s of ${upParts.seconds.toFixed(1)} s (no goal: every byte is written twice, as a part and then as the file)`);
console.log(`local download:  ${downMBps.toFixed(0)} MB/s   server RSS growth ${fmt(down.rssGrowth)}   (target < 64 MiB), Content-Length ${down.headers['content-length'] ?? 'MISSING'}`);
console.log(`${referenceName.padEnd(15)}  ${plainMBps.toFixed(0)} MB/s   download/${referenceName} = ${ratio.toFixed(2)}   (target ≥ 0.80)`);
console.log(`range:     ${sample.status} ${sample.headers.get('content-range')} — bytes ${sampleOk ? 'match' : 'DIFFER'}; upload sha256 ${JSON.parse(up.text).sha256 === down.headers.etag?.replaceAll('"', '') ? 'matches' : 'differs from'} the ETag`);
console.log(`aborts:    download → ${blobsOpenAfterAbort ?? 'n/a'} blob files still open; upload → entry ${abortedStatus === 404 ? 'absent (404)' : `PRESENT (${abortedStatus})`}, ${tmpLeft ?? 'n/a'} temp files left`);
goal(`local: proxied download with Content-Length ≥ 0.80 × ${referenceName}`, ratio >= 0.8 && down.headers['content-length'] === String(SIZE), `${ratio.toFixed(2)}×`);
goal('local: upload RSS growth < 128 MiB', up.rssGrowth === null || up.rssGrowth < 128 * MiB, fmt(up.rssGrowth));
goal('local: resumable upload RSS growth < 128 MiB', upParts.rssGrowth === null || upParts.rssGrowth < 128 * MiB, fmt(upParts.rssGrowth));
goal('local: resumable upload makes the same file (SHA-256)', JSON.parse(upParts.text).sha256 === JSON.parse(up.text).sha256, '');
goal('local: download RSS growth < 64 MiB', down.rssGrowth === null || down.rssGrowth < 64 * MiB, fmt(down.rssGrowth));
goal('local: ranges and aborts (bytes match, no open blob, no entry or temp file left)', sampleOk && (blobsOpenAfterAbort === null || blobsOpenAfterAbort === 0) && abortedStatus === 404 && !tmpLeft, '');

// ---- the S3 driver against s3rver, and the AWS SDK directly against the same s3rver ----
if (!external && process.env.BENCH_S3 !== '0') await benchS3();

function printGoals() {
  console.log('');
  for (const g of goals) console.log(`${g.ok ? 'PASS' : 'FAIL'}  ${g.name}${g.detail ? `: ${g.detail}` : ''}`);
  console.log(goals.every((g) => g.ok) ? 'All targets met.' : 'Some targets were missed.');
}
printGoals();
process.exit(0);

async function benchS3() {
  const s3Port = Number(process.env.BENCH_S3RVER_PORT || PORT + 2);
  const appPort = Number(process.env.BENCH_S3_APP_PORT || PORT + 1);
  const s3Dir = path.join(work, 's3rver');
  // s3rver in its own process, so the app's RSS and CPU are the app's only.
  const s3 = spawn(process.execPath, ['scripts/s3rver.mjs'], { env: { ...process.env, S3RVER_PORT: String(s3Port), S3RVER_DIR: s3Dir, S3RVER_BUCKETS: 'bench' }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(s3);
  await new Promise((resolve, reject) => {
    s3.stdout.on('data', (d) => String(d).includes('ready') && resolve());
    s3.once('exit', (code) => reject(new Error(`s3rver exited (${code}); is port ${s3Port} free? (BENCH_S3RVER_PORT)`)));
  });
  const endpoint = `http://127.0.0.1:${s3Port}`;
  const s3Env = { STORAGE_DRIVER: 's3', S3_BUCKET: 'bench', S3_REGION: 'us-east-1', S3_ENDPOINT: endpoint, S3_FORCE_PATH_STYLE: 'true', S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER', S3_PREFIX: 'app' };
  const appPid = await startApp(appPort, s3Env);
  const base = `http://127.0.0.1:${appPort}`;
  const s = await session(base);
  const u = (name) => `${base}/api/datasets/${s.datasetId}/files/bench/${name}`;
  await request(u('warm.bin'), { method: 'PUT', headers: { Cookie: s.cookie, 'Content-Length': 8 * MiB }, body: fs.createReadStream(warm) });
  await request(u('warm.bin'), { headers: { Cookie: s.cookie } });

  const { S3Client, GetObjectCommand } = await import('@aws-sdk/client-s3');
  const { Upload } = await import('@aws-sdk/lib-storage');
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  // The direct reference: lib-storage's Upload of the file stream (the SDK's way to put 1 GiB), and a
  // streamed GetObject read to the end — what a program would do without Trove in between.
  const sdkPut = (key) => timed(async () => {
    await new Upload({ client, params: { Bucket: 'bench', Key: key, Body: fs.createReadStream(file) }, partSize: 8 * MiB, queueSize: 4 }).done();
    return { status: 200 };
  });
  const sdkGet = (key) => timed(async () => {
    const res = await client.send(new GetObjectCommand({ Bucket: 'bench', Key: key }));
    let bytes = 0;
    for await (const c of res.Body) bytes += c.length;
    return { bytes };
  });
  // Alternate app and SDK, best of two each for uploads (1 GiB each way is slow on s3rver) and three for downloads.
  const appUps = [];
  const sdkUps = [];
  for (let i = 0; i < 2; i++) {
    appUps.push(await measure(appPid, () => timed(() => request(u(`big${i}.bin`), { method: 'PUT', headers: { Cookie: s.cookie, 'Content-Type': 'application/octet-stream', 'Content-Length': SIZE }, body: fs.createReadStream(file) }))));
    sdkUps.push(await sdkPut(`direct/big${i}.bin`));
  }
  for (const r of appUps) if (r.status !== 201 && r.status !== 200) throw new Error(`s3 upload failed: ${r.status} ${r.text}`);
  const appDowns = [];
  const sdkDowns = [];
  for (let i = 0; i < 3; i++) {
    appDowns.push(await measure(appPid, () => timed(() => request(u('big0.bin'), { headers: { Cookie: s.cookie } }))));
    sdkDowns.push(await sdkGet('direct/big0.bin'));
  }
  // DOWNLOAD_REDIRECT=presigned, the offloaded path: Trove answers 302 and the client fetches from s3rver.
  // The same database (the embedded one is locked by its process): stop the proxying app first.
  const redirectPort = Number(process.env.BENCH_S3_REDIRECT_PORT || appPort + 3);
  const proxying = children.find((c) => c.pid === appPid);
  proxying.kill('SIGTERM');
  if (proxying.exitCode === null) await new Promise((r) => proxying.once('exit', r));
  await startApp(redirectPort, { ...s3Env, DOWNLOAD_REDIRECT: 'presigned' }, `data-${appPort}`);
  const rBase = `http://127.0.0.1:${redirectPort}`;
  const redirected = [];
  for (let i = 0; i < 3; i++) {
    redirected.push(await timed(async () => {
      const first = await request(`${rBase}/api/datasets/${s.datasetId}/files/bench/big0.bin`, { headers: { Cookie: s.cookie } });
      if (first.status !== 302) throw new Error(`presigned download answered ${first.status}`);
      return request(first.headers.location);
    }));
  }
  const appUp = best(appUps);
  const appDown = best(appDowns);
  if (appDown.bytes !== SIZE) throw new Error(`s3 download returned ${appDown.bytes} bytes`);
  const upRatio = sdkUps.length ? best(sdkUps).seconds / appUp.seconds : 0;
  const downRatio = best(sdkDowns).seconds / appDown.seconds;
  const upRss = Math.max(...appUps.map((r) => r.rssGrowth ?? 0));
  const downRss = Math.max(...appDowns.map((r) => r.rssGrowth ?? 0));
  console.log(`\nS3 driver against s3rver (${endpoint}), app pid ${appPid}`);
  console.log(`s3 upload:       ${mbps(SIZE, appUp.seconds).toFixed(0)} MB/s via Trove, ${mbps(SIZE, best(sdkUps).seconds).toFixed(0)} MB/s AWS SDK direct = ${upRatio.toFixed(2)}×   server RSS growth ${fmt(upRss)}`);
  console.log(`s3 download:     ${mbps(SIZE, appDown.seconds).toFixed(0)} MB/s via Trove, ${mbps(SIZE, best(sdkDowns).seconds).toFixed(0)} MB/s AWS SDK direct = ${downRatio.toFixed(2)}×   server RSS growth ${fmt(downRss)}, Content-Length ${appDown.headers['content-length'] ?? 'MISSING'}`);
  const redirectBest = best(redirected);
  const redirectRatio = best(sdkDowns).seconds / redirectBest.seconds;
  console.log(`s3 presigned:    ${mbps(SIZE, redirectBest.seconds).toFixed(0)} MB/s via a 302 from Trove (DOWNLOAD_REDIRECT=presigned) = ${redirectRatio.toFixed(2)}× AWS SDK direct`);
  goal('s3: upload ≥ 0.80 × AWS SDK direct', upRatio >= 0.8, `${upRatio.toFixed(2)}×`);
  goal('s3: presigned download (DOWNLOAD_REDIRECT=presigned) ≥ 0.80 × AWS SDK direct', redirectRatio >= 0.8 && redirectBest.bytes === SIZE, `${redirectRatio.toFixed(2)}×`);
  goal('s3: proxied download ≥ 0.80 × AWS SDK direct', downRatio >= 0.8, `${downRatio.toFixed(2)}×`);
  goal('s3: server RSS growth < 128 MiB (upload and download)', Math.max(upRss, downRss) < 128 * MiB, `${fmt(upRss)} / ${fmt(downRss)}`);
}
