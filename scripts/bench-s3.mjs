// `npm run bench:s3` — the S3 endpoint's speed against nginx and a bare Node server on the same
// machine, in the same run (issue 10). A measurement, not a test: it prints one line per goal with
// PASS/FAIL and the figures, and exits 0 either way. Run it alone: `flock /tmp/trove-bench.lock npm run bench:s3`.
//
// Needs `npm run build`, PostgreSQL (BENCH_DATABASE_URL, else DATABASE_URL: the 100,000-file listing is
// seeded with SQL), nginx, wrk and curl. Ports: BENCH_PORT (3151) for Trove, +1 nginx, +2 the bare
// Node server. Files live under BENCH_DIR (a fresh directory in the system temp dir).
//
// Goals: GetObject 1 GiB ≥ 0.8× nginx throughput; GetObject of 100 KB objects at 32 concurrent
// ≥ 0.1× nginx requests/s (wrk, presigned URLs rotated by a Lua script); ListObjectsV2 of 100,000
// files, all pages, < 5 s; PutObject 1 GiB ≥ 0.7× a bare Node stream-to-disk server; server RSS
// growth < 128 MiB throughout.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { SignatureV4 } from '@smithy/signature-v4';
import { rssOf, signUpWithDataset, startApp } from './lib/app-harness.mjs';

const MiB = 1024 * 1024;
const PORT = Number(process.env.BENCH_PORT || 3151);
const NGINX_PORT = PORT + 1;
const BARE_PORT = PORT + 2;
const DB_URL = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL;
const BIG_MB = Number(process.env.BENCH_BIG_MB || 1024);
const SMALL_KB = 100;
const SMALL_COUNT = 200;
const LIST_FILES = Number(process.env.BENCH_LIST_FILES || 100_000);
const WRK_SECONDS = Number(process.env.BENCH_WRK_SECONDS || 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
// BENCH_ONLY: a comma-separated choice of put, get, small, list (all four by default); e.g.
// BENCH_ONLY=small runs only the 100 KB GetObject rounds. The memory goal is printed when put, get or list ran.
const ONLY = new Set((process.env.BENCH_ONLY || 'put,get,small,list').split(',').map((s) => s.trim()));
const ONLY_SMALL = !ONLY.has('put') && !ONLY.has('get') && !ONLY.has('list');
if (!DB_URL) {
  console.error('bench:s3 needs PostgreSQL: set BENCH_DATABASE_URL (or DATABASE_URL) to an empty database.');
  process.exit(2);
}
for (const tool of ['/usr/sbin/nginx', '/usr/bin/wrk', '/usr/bin/curl']) {
  if (!fs.existsSync(tool)) {
    console.error(`bench:s3 needs ${tool} (apt-get install nginx-light wrk curl).`);
    process.exit(2);
  }
}

const work = fs.mkdtempSync(path.join(process.env.BENCH_DIR || os.tmpdir(), 'trove-bench-s3-'));
fs.chmodSync(work, 0o755); // nginx's workers (another user) read the files under it
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = [];

// The SigV4 signer the SDKs use, on node:crypto.
class Sha256 {
  constructor(secret) {
    this.h = secret === undefined ? crypto.createHash('sha256') : crypto.createHmac('sha256', typeof secret === 'string' ? secret : Buffer.from(secret));
  }
  update(d) {
    this.h.update(typeof d === 'string' ? d : Buffer.from(d.buffer ?? d, d.byteOffset ?? 0, d.byteLength));
  }
  async digest() {
    return this.h.digest();
  }
}

function signerFor(key) {
  return new SignatureV4({ service: 's3', region: 'us-east-1', credentials: { accessKeyId: key.id, secretAccessKey: key.secret }, sha256: Sha256, uriEscapePath: false, applyChecksum: false });
}

async function presign(signer, method, urlPath, expiresIn = 3600) {
  const req = await signer.presign({ method, protocol: 'http:', hostname: '127.0.0.1', port: PORT, path: urlPath, query: {}, headers: { host: `127.0.0.1:${PORT}`, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }, { expiresIn });
  return `${urlPath}?${new URLSearchParams(req.query)}`;
}

async function signedGet(signer, urlPath, query) {
  const req = await signer.sign({ method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port: PORT, path: urlPath, query, headers: { host: `127.0.0.1:${PORT}`, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
  return fetch(`http://127.0.0.1:${PORT}${urlPath}?${new URLSearchParams(query)}`, { headers: req.headers });
}

/** Creates an access key on the Account page (Chromium, logged in with the cookie). */
async function createKey(base, cookie) {
  const { chromium } = await import('@playwright/test');
  const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
  const browser = await chromium.launch({ executablePath, args: ['--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync', '--disable-quic'] });
  try {
    const context = await browser.newContext({ baseURL: base });
    await context.addCookies(cookie.split('; ').map((c) => ({ name: c.slice(0, c.indexOf('=')), value: c.slice(c.indexOf('=') + 1), url: base })));
    const page = await context.newPage();
    await page.goto('/account');
    const section = page.getByRole('region', { name: 'Access keys' });
    await section.getByRole('button', { name: 'Create access key' }).click();
    await section.getByRole('textbox', { name: 'Key name' }).fill('bench');
    await section.getByRole('button', { name: 'Create key' }).click();
    await section.getByRole('textbox', { name: 'Secret access key' }).waitFor();
    return { id: await section.getByRole('textbox', { name: 'Access key ID' }).inputValue(), secret: await section.getByRole('textbox', { name: 'Secret access key' }).inputValue() };
  } finally {
    await browser.close();
  }
}

function startNginx(root) {
  const conf = path.join(work, 'nginx.conf');
  fs.writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
pid ${work}/nginx.pid;
error_log ${work}/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path ${work}/nginx-body;
  proxy_temp_path ${work}/nginx-proxy;
  fastcgi_temp_path ${work}/nginx-fcgi;
  uwsgi_temp_path ${work}/nginx-uwsgi;
  scgi_temp_path ${work}/nginx-scgi;
  server {
    listen 127.0.0.1:${NGINX_PORT};
    root ${root};
  }
}
`,
  );
  const child = spawn('/usr/sbin/nginx', ['-c', conf, '-p', work], { stdio: 'ignore' });
  children.push(child);
  return child;
}

function startBareServer(dir) {
  // What "stream to disk" costs with nothing else: pipe the body into a file, answer when it is closed.
  const server = http.createServer((req, res) => {
    if (req.method === 'GET') {
      // And what Node itself can send (for the GetObject figure's context): a file stream piped to the socket.
      const file = path.join(work, 'www', 'big.bin');
      res.setHeader('content-length', fs.statSync(file).size);
      fs.createReadStream(file, { highWaterMark: MiB }).pipe(res);
      return;
    }
    const out = fs.createWriteStream(path.join(dir, `put-${crypto.randomUUID()}`));
    req.pipe(out);
    out.on('close', () => res.end('ok'));
  });
  return new Promise((resolve) => server.listen(BARE_PORT, '127.0.0.1', () => resolve(server)));
}

async function waitFor(url) {
  for (const until = Date.now() + 20_000; Date.now() < until; await sleep(100)) {
    try {
      await fetch(url);
      return;
    } catch {}
  }
  throw new Error(`${url} did not come up`);
}

/** Runs a command without blocking this process (the bare server and the RSS sampler live in it). */
function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** curl's bytes/s for a download (to /dev/null) or an upload (-T file). */
async function curlSpeed(url, upload) {
  const args = ['-sS', '--fail', '-o', '/dev/null', '-w', upload ? '%{speed_upload}' : '%{speed_download}', ...(upload ? ['-T', upload, '-H', 'Expect:'] : []), url];
  const r = await run('/usr/bin/curl', args);
  if (r.status !== 0) throw new Error(`curl ${url}: ${r.stderr}`);
  return Number(r.stdout);
}

async function wrk(base, paths) {
  const script = path.join(work, `rotate-${crypto.randomUUID()}.lua`);
  fs.writeFileSync(script, `local paths = {${paths.map((p) => JSON.stringify(p)).join(',')}}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format("GET", paths[i])\nend\n`);
  const r = await run('/usr/bin/wrk', ['-t2', '-c32', `-d${WRK_SECONDS}s`, '-s', script, base]);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout);
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(r.stdout);
  if (!rps) throw new Error(`wrk: ${r.stdout}${r.stderr}`);
  return { rps: Number(rps[1]), errors: errors ? Number(errors[1]) : 0 };
}

const lines = [];
function goal(name, pass, figures) {
  const line = `${pass ? 'PASS' : 'FAIL'}  ${name}: ${figures}`;
  lines.push(line);
  console.log(line);
}
const mbps = (bps) => `${(bps / MiB).toFixed(0)} MiB/s`;

let app;
let bare;
let sql;
try {
  console.log(`bench:s3 — Trove on :${PORT}, nginx on :${NGINX_PORT}, bare Node on :${BARE_PORT}; files in ${work}`);
  sql = postgres(DB_URL, { max: 2, onnotice: () => {} });
  app = await startApp({ port: PORT, env: { DATA_DIR: path.join(work, 'data'), DATABASE_URL: DB_URL, APP_URL: `http://127.0.0.1:${PORT}`, MAX_UPLOAD_BYTES: String(4 * BIG_MB * MiB) } });
  const { cookie, datasetId } = await signUpWithDataset(app.base);
  const key = await createKey(app.base, cookie);
  const signer = signerFor(key);
  let peak = rssOf(app.pid);
  let phasePeak = peak;
  const sampler = setInterval(() => {
    const now = rssOf(app.pid);
    peak = Math.max(peak, now);
    phasePeak = Math.max(phasePeak, now);
  }, 100);
  // Each phase's own peak, to tell which one the memory goal's figure comes from.
  const phaseMemory = (phase) => {
    phasePeak = Math.max(phasePeak, rssOf(app.pid));
    console.log(`      (server RSS during ${phase}: peak ${(phasePeak / MiB).toFixed(0)} MiB, ${phasePeak >= base ? '+' : ''}${((phasePeak - base) / MiB).toFixed(0)} MiB over the baseline)`);
    phasePeak = rssOf(app.pid);
  };

  // The bytes: one BIG_MB file and SMALL_COUNT files of 100 KB, written for nginx and uploaded to Trove.
  const root = path.join(work, 'www');
  fs.mkdirSync(path.join(root, 'small'), { recursive: true });
  const bigFile = path.join(root, 'big.bin');
  const block = crypto.randomBytes(MiB);
  const fd = fs.openSync(bigFile, 'w');
  for (let i = 0; i < (ONLY.has('put') || ONLY.has('get') ? BIG_MB : 0); i++) {
    block.writeUInt32BE(i, 0);
    fs.writeSync(fd, block);
  }
  fs.closeSync(fd);
  for (let i = 0; i < SMALL_COUNT; i++) fs.writeFileSync(path.join(root, 'small', `${i}.bin`), crypto.randomBytes(SMALL_KB * 1000));
  startNginx(root);
  bare = await startBareServer(path.join(work, 'bare'));
  fs.mkdirSync(path.join(work, 'bare'));
  await waitFor(`http://127.0.0.1:${NGINX_PORT}/small/0.bin`);

  // Warm-up and the baseline for memory: a few small requests of every kind.
  for (let i = 0; i < SMALL_COUNT; i++) {
    const url = `http://127.0.0.1:${PORT}${await presign(signer, 'PUT', `/s3/${datasetId}/small/${i}.bin`)}`;
    const put = await fetch(url, { method: 'PUT', body: fs.readFileSync(path.join(root, 'small', `${i}.bin`)) });
    if (put.status !== 200) throw new Error(`PUT small/${i}.bin: ${put.status} ${await put.text()}`);
  }
  const smallPaths = [];
  for (let i = 0; i < SMALL_COUNT; i++) smallPaths.push(await presign(signer, 'GET', `/s3/${datasetId}/small/${i}.bin`));
  for (const p of smallPaths.slice(0, 50)) await (await fetch(`http://127.0.0.1:${PORT}${p}`)).arrayBuffer();
  await sleep(1000);
  const base = rssOf(app.pid);
  peak = base;
  phasePeak = base;

  if (ONLY.has('put')) {
    // PutObject 1 GiB (presigned PUT, UNSIGNED-PAYLOAD, as curl -T sends it) vs the bare Node server.
    const putUrl = `http://127.0.0.1:${PORT}${await presign(signer, 'PUT', `/s3/${datasetId}/big.bin`)}`;
    let putTrove = 0;
    let putBare = 0;
    for (let i = 0; i < ROUNDS; i++) {
      putBare = Math.max(putBare, await curlSpeed(`http://127.0.0.1:${BARE_PORT}/`, bigFile));
      // Each side starts with no dirty pages of the other's to write back: the bare server never syncs,
      // so its gigabyte would otherwise go to disk during Trove's round, on Trove's fsyncs.
      for (const f of fs.readdirSync(path.join(work, 'bare'))) fs.rmSync(path.join(work, 'bare', f));
      await run('/usr/bin/sync', []);
      putTrove = Math.max(putTrove, await curlSpeed(putUrl, bigFile));
      await run('/usr/bin/sync', []);
    }
    goal(`PutObject ${BIG_MB} MiB ≥ 0.7× bare Node stream-to-disk`, putTrove >= 0.7 * putBare, `Trove ${mbps(putTrove)}, bare Node ${mbps(putBare)} → ${(putTrove / putBare).toFixed(2)}×`);
    phaseMemory('PutObject');
  }
  if (ONLY.has('get')) {
    if (!ONLY.has('put')) {
      await curlSpeed(`http://127.0.0.1:${PORT}${await presign(signer, 'PUT', `/s3/${datasetId}/big.bin`)}`, bigFile);
      await run('/usr/bin/sync', []);
    }

    // GetObject 1 GiB vs nginx.
    const getUrl = `http://127.0.0.1:${PORT}${await presign(signer, 'GET', `/s3/${datasetId}/big.bin`)}`;
    let getTrove = 0;
    let getNginx = 0;
    let getBare = 0;
    for (let i = 0; i < ROUNDS; i++) {
      getNginx = Math.max(getNginx, await curlSpeed(`http://127.0.0.1:${NGINX_PORT}/big.bin`));
      getTrove = Math.max(getTrove, await curlSpeed(getUrl));
      getBare = Math.max(getBare, await curlSpeed(`http://127.0.0.1:${BARE_PORT}/big.bin`));
    }
    goal(
      `GetObject ${BIG_MB} MiB ≥ 0.8× nginx`,
      getTrove >= 0.8 * getNginx,
      `Trove ${mbps(getTrove)}, nginx ${mbps(getNginx)} → ${(getTrove / getNginx).toFixed(2)}× (a bare Node file stream: ${mbps(getBare)}, ${(getBare / getNginx).toFixed(2)}× nginx, which sends with sendfile)`,
    );
    phaseMemory('GetObject');
  }

  if (ONLY.has('small')) {
    // GetObject of 100 KB objects, 32 connections, wrk: ROUNDS alternated runs, the median ratio.
    const smallRuns = [];
    for (let i = 0; i < ROUNDS; i++) {
      const nginxSmall = await wrk(`http://127.0.0.1:${NGINX_PORT}`, Array.from({ length: SMALL_COUNT }, (_, i) => `/small/${i}.bin`));
      const troveSmall = await wrk(`http://127.0.0.1:${PORT}`, smallPaths);
      smallRuns.push({ trove: troveSmall.rps, nginx: nginxSmall.rps, ratio: troveSmall.rps / nginxSmall.rps, errors: troveSmall.errors });
      console.log(`  round ${i + 1}: Trove ${troveSmall.rps.toFixed(0)} req/s, nginx ${nginxSmall.rps.toFixed(0)} req/s → ${(troveSmall.rps / nginxSmall.rps).toFixed(3)}×`);
    }
    const mid = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const smallRatio = mid(smallRuns.map((r) => r.ratio));
    const smallErrors = smallRuns.reduce((n, r) => n + r.errors, 0);
    goal(
      'GetObject 100 KB at 32 concurrent ≥ 0.1× nginx req/s',
      smallRatio >= 0.1 && smallErrors === 0,
      `Trove ${mid(smallRuns.map((r) => r.trove)).toFixed(0)} req/s${smallErrors ? ` (${smallErrors} errors)` : ''}, nginx ${mid(smallRuns.map((r) => r.nginx)).toFixed(0)} req/s → ${smallRatio.toFixed(3)}× [${Math.min(...smallRuns.map((r) => r.ratio)).toFixed(3)}–${Math.max(...smallRuns.map((r) => r.ratio)).toFixed(3)}] (medians of ${ROUNDS} alternated rounds)`,
    );
    phaseMemory('the 100 KB GetObject rounds');
  }

  if (ONLY.has('list')) {
    // ListObjectsV2 over LIST_FILES files (1,000 folders × 100), seeded with SQL into a second dataset.
    const [{ owner_id: ownerId }] = await sql`select owner_id from datasets where id = ${datasetId}`;
    const [{ id: listId }] = await sql`insert into datasets (owner_id, name) values (${ownerId}, ${`list bench ${Date.now()}`}) returning id`;
    const folders = Math.ceil(LIST_FILES / 100);
    await sql`insert into entries (dataset_id, path, parent, name, kind) select ${listId}, 'd' || lpad(g::text, 5, '0'), '', 'd' || lpad(g::text, 5, '0'), 'folder' from generate_series(1, ${folders}) g`;
    await sql`insert into entries (dataset_id, path, parent, name, kind, size, sha256, storage_key)
      select ${listId}, 'd' || lpad((g / 100 + 1)::text, 5, '0') || '/f' || lpad(g::text, 6, '0') || '.bin', 'd' || lpad((g / 100 + 1)::text, 5, '0'), 'f' || lpad(g::text, 6, '0') || '.bin', 'file', 1234, repeat('a', 64), 'bench-missing'
      from generate_series(0, ${LIST_FILES - 1}) g`;
    await sql`analyze entries`;
    const listStart = performance.now();
    let listed = 0;
    let pages = 0;
    let token = '';
    for (;;) {
      const res = await signedGet(signer, `/s3/${listId}`, { 'list-type': '2', ...(token ? { 'continuation-token': token } : {}) });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`ListObjectsV2: ${res.status} ${body}`);
      listed += body.split('<Contents>').length - 1;
      pages++;
      token = /<NextContinuationToken>([^<]+)</.exec(body)?.[1] ?? '';
      if (!token) break;
    }
    const listSeconds = (performance.now() - listStart) / 1000;
    goal(`ListObjectsV2 of ${LIST_FILES.toLocaleString('en')} files, all pages, < 5 s`, listed === LIST_FILES && listSeconds < 5, `${listed.toLocaleString('en')} keys in ${pages} pages, ${listSeconds.toFixed(2)} s`);
    phaseMemory('ListObjectsV2');
  }
  if (!ONLY_SMALL) {
    clearInterval(sampler);
    peak = Math.max(peak, rssOf(app.pid));
    goal('server RSS growth < 128 MiB throughout', peak - base < 128 * MiB, `baseline ${(base / MiB).toFixed(0)} MiB, peak ${(peak / MiB).toFixed(0)} MiB, growth ${((peak - base) / MiB).toFixed(0)} MiB`);
  }
  clearInterval(sampler);
  console.log(`\n(${os.cpus().length} cores, shared; best of ${ROUNDS} rounds for throughput; wrk -t2 -c32 -d${WRK_SECONDS}s over ${SMALL_COUNT} presigned URLs)`);
} finally {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  bare?.close();
  await app?.stop();
  await sql?.end({ timeout: 5 });
  fs.rmSync(work, { recursive: true, force: true });
}
