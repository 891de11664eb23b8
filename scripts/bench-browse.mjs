// `npm run bench:browse` — the dataset pages' speed goals, server-rendered, on PostgreSQL. A measurement,
// not a test; run it under `flock /tmp/trove-bench.lock`. Goals (one PASS/FAIL line each):
// - the Files tab of a 100,000-file folder (full HTML of GET /datasets/<id>/files, median of BENCH_RUNS,
//   three sort orders) in ≤ 1.3 × the time of a 10-file one;
// - the file page of a 1 GiB CSV (its preview: a table of the first rows) in ≤ 1.3 × the time of a 1 MiB
//   one: constant time, only the head is read (BENCH_CSV_MB);
// - Download folder of 1,000 × 1 MiB files (BENCH_ZIP_FILES) streams at ≥ 0.5 × the throughput of the
//   plain download of the 1 GiB file, with the server's RSS growing < 128 MiB while it runs.
//
// Needs a production build (.next or NEXT_DIST_DIR) and BENCH_DATABASE_URL (a PostgreSQL database it may
// fill; rows are seeded with SQL, and the CSV and zip files written straight into the throw-away DATA_DIR's
// blob store, as the local driver lays it out). Starts the app on BENCH_PORT (3410) and signs up through
// the UI with Playwright's Chromium.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { once } from 'node:events';
import path from 'node:path';
import postgres from 'postgres';
import { rssOf } from './lib/app-harness.mjs';

const PORT = Number(process.env.BENCH_PORT || 3410);
const BASE = `http://127.0.0.1:${PORT}`;
const DB = process.env.BENCH_DATABASE_URL;
const RUNS = Number(process.env.BENCH_RUNS || 15);
// Rows on a full Files-tab page (PAGE_SIZE in lib/files.ts): the big folder's page must hold that many.
const PAGE_ROWS = 50;
const BIG = Number(process.env.BENCH_FILES || 100_000);
const MiB = 1024 * 1024;
const CSV_BYTES = Number(process.env.BENCH_CSV_MB || 1024) * MiB;
const ZIP_FILES = Number(process.env.BENCH_ZIP_FILES || 1000);
if (!DB) throw new Error('Set BENCH_DATABASE_URL to a PostgreSQL database for the benchmark.');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-bench-browse-'));
let child;
process.on('exit', () => {
  if (child?.exitCode === null) child.kill('SIGTERM');
  fs.rmSync(work, { recursive: true, force: true });
});

async function waitFor(url, ms = 120_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up (is BENCH_PORT ${PORT} free?)`);
}

const distDir = process.env.NEXT_DIST_DIR || '.next';
if (!fs.existsSync(path.join(distDir, 'BUILD_ID'))) throw new Error(`No production build in ${distDir}: run \`next build\` first.`);
child = spawn(process.execPath, ['scripts/start.mjs'], {
  env: { ...process.env, PORT: String(PORT), HOSTNAME: '127.0.0.1', NEXT_TELEMETRY_DISABLED: '1', DATA_DIR: path.join(work, 'data'), APP_URL: BASE, RESEND_API_KEY: '', DATABASE_URL: DB, SIGNUPS_PER_HOUR: '1000' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
await waitFor(`${BASE}/login`);

const { chromium } = await import('@playwright/test');
const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
const browser = await chromium.launch({ executablePath, args: ['--disable-gpu', '--no-first-run'] });
const page = await browser.newPage({ baseURL: BASE });
const email = `bench-${crypto.randomUUID().slice(0, 8)}@example.test`;
await page.goto('/signup');
await page.getByRole('textbox', { name: 'Name' }).fill('Bench');
await page.getByRole('textbox', { name: 'Email' }).fill(email);
await page.getByRole('textbox', { name: 'Password' }).fill('bench password 123');
await page.getByRole('button', { name: 'Create account' }).click();
await page.getByRole('heading', { name: 'Check your email' }).waitFor();
await page.goto('/login');
await page.getByRole('textbox', { name: 'Email' }).fill(email);
await page.getByRole('textbox', { name: 'Password' }).fill('bench password 123');
await page.getByRole('button', { name: 'Log in' }).click();
await page.waitForURL(/\/datasets/);
const ids = [];
for (const n of ['small', 'big', 'bytes', 'hundred']) {
  await page.goto('/datasets/new');
  await page.getByRole('textbox', { name: 'Name' }).fill(`bench ${n} ${Date.now()}`);
  await page.getByRole('button', { name: 'Create dataset' }).click();
  await page.waitForURL(/\/datasets\/[0-9a-f-]{36}/);
  ids.push(new URL(page.url()).pathname.split('/').pop());
}
const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
await browser.close();

// Listing rows only (no bytes): what the Files tab reads. Sizes and times vary so every sort has work to do.
const sql = postgres(DB, { max: 1, onnotice: () => {} });
const seed = (id, n) => sql`
  insert into entries (dataset_id, path, parent, name, kind, size, updated_at)
  select ${id}::uuid, 'f' || lpad(g::text, 6, '0') || '.bin', '', 'f' || lpad(g::text, 6, '0') || '.bin', 'file', (g::bigint * 7919) % 1000000, now() - (((g::bigint * 104729) % ${n}) || ' seconds')::interval
  from generate_series(1, ${n}) g`;
await seed(ids[0], 10);
await seed(ids[1], BIG);
await seed(ids[3], 200);

// Bytes for the preview and zip goals, written as the local driver stores blobs (DATA_DIR/blobs/ab/cd/<key>).
async function writeBlob(chunks) {
  const key = crypto.randomBytes(16).toString('hex');
  const dir = path.join(work, 'data', 'blobs', key.slice(0, 2), key.slice(2, 4));
  fs.mkdirSync(dir, { recursive: true });
  const hash = crypto.createHash('sha256');
  const out = fs.createWriteStream(path.join(dir, key));
  let size = 0;
  for (const c of chunks) {
    hash.update(c);
    size += c.length;
    if (!out.write(c)) await once(out, 'drain');
  }
  await new Promise((resolve, reject) => out.end((e) => (e ? reject(e) : resolve())));
  return { key, size, sha256: hash.digest('hex') };
}
// A CSV of `bytes` (whole rows): a header, then one ~1 MiB block of rows repeated.
function* csv(bytes) {
  let block = '';
  for (let i = 0; block.length < MiB - 100; i++) block += `${i},name ${i % 977},${(i * 0.37).toFixed(2)},2026-01-${String(1 + (i % 28)).padStart(2, '0')},${i % 2 === 0}\n`;
  const b = Buffer.from(block);
  yield Buffer.from('id,name,score,day,flag\n');
  for (let n = 0; n + b.length <= bytes; n += b.length) yield b;
}
const addFile = (id, p, blob, type) => sql`
  insert into entries (dataset_id, path, parent, name, kind, size, sha256, storage_key, content_type)
  values (${id}, ${p}, ${p.split('/').slice(0, -1).join('/')}, ${p.split('/').pop()}, 'file', ${blob.size}, ${blob.sha256}, ${blob.key}, ${type})`;
await sql`insert into entries (dataset_id, path, parent, name, kind) values (${ids[2]}, 'csv', '', 'csv', 'folder'), (${ids[2]}, 'zip', '', 'zip', 'folder')`;
const bigCsv = await writeBlob(csv(CSV_BYTES));
await addFile(ids[2], 'csv/big.csv', bigCsv, 'text/csv');
await addFile(ids[2], 'csv/small.csv', await writeBlob(csv(MiB)), 'text/csv');
const random = crypto.randomBytes(MiB);
for (let i = 0; i < ZIP_FILES; i++) {
  random.writeUInt32BE(i, 0); // every file's bytes differ
  await addFile(ids[2], `zip/part-${String(i).padStart(4, '0')}.bin`, await writeBlob([random]), 'application/octet-stream');
}
await sql`analyze entries`;
await sql.end();

async function time(url) {
  const t = process.hrtime.bigint();
  const r = await fetch(url, { headers: { Cookie: cookie } });
  const html = await r.text();
  if (r.status !== 200) throw new Error(`${url}: ${r.status}`);
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, html };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// Two pages measured in turns (a, b, a, b, …), so a shared machine's load drifting during the run
// weighs on both alike; the median of each.
async function measurePair(a, b) {
  const urls = [a, b].map(({ id, query = '', file = '' }) => `${BASE}/datasets/${id}/files${file}${query}`);
  for (let i = 0; i < 3; i++) for (const url of urls) await time(url); // warm-up
  const runs = [[], []];
  const html = ['', ''];
  for (let i = 0; i < RUNS; i++) {
    for (const k of [0, 1]) {
      const r = await time(urls[k]);
      runs[k].push(r.ms);
      html[k] = r.html;
    }
  }
  return [0, 1].map((k) => ({ ms: median(runs[k]), html: html[k] }));
}

console.log(`\nTrove dataset page bench — Files tab: ${BIG.toLocaleString('en-US')} vs 10 files in one folder, median of ${RUNS} in turns, ${BASE}`);
let allOk = true;
const kb = (html) => `${(Buffer.byteLength(html) / 1024).toFixed(0)} KB`;
for (const [label, query] of [['by name', ''], ['by size, largest first', '?sort=size&dir=desc'], ['by modified, page 2', '?sort=modified&page=2']]) {
  const [small, big] = await measurePair({ id: ids[0], query }, { id: ids[1], query });
  const ratio = big.ms / small.ms;
  const rows = (big.html.match(/aria-label="Select /g) ?? []).length;
  const ok = ratio <= 1.3 && rows === PAGE_ROWS;
  allOk &&= ok;
  console.log(`${ok ? 'PASS' : 'FAIL'} Files tab ${label}: 10 files ${small.ms.toFixed(1)} ms (${kb(small.html)}), ${BIG.toLocaleString('en-US')} files ${big.ms.toFixed(1)} ms (${rows} rows, ${kb(big.html)}) — ratio ${ratio.toFixed(2)} (target ≤ 1.30)`);
}
// The same page size on both sides: a folder of 200 files (two full pages) against the big one, so what
// remains is the dataset's size alone (the 10-file pages above render 10 rows, or none on page 2).
for (const [label, query] of [['by name', ''], ['by size, largest first', '?sort=size&dir=desc'], ['by modified, page 2', '?sort=modified&page=2']]) {
  const [full, big] = await measurePair({ id: ids[3], query }, { id: ids[1], query });
  console.log(`info Files tab ${label}, full pages on both sides: 200 files ${full.ms.toFixed(1)} ms (${kb(full.html)}), ${BIG.toLocaleString('en-US')} files ${big.ms.toFixed(1)} ms — ratio ${(big.ms / full.ms).toFixed(2)}`);
}

// CSV preview: the file page of the 1 GiB CSV against the 1 MiB one (both show the first 1,000 rows).
{
  const [small, big] = await measurePair({ id: ids[2], file: '/csv/small.csv' }, { id: ids[2], file: '/csv/big.csv' });
  const ratio = big.ms / small.ms;
  const rows = (big.html.match(/<tr/g) ?? []).length - 1;
  const ok = ratio <= 1.3 && rows >= 1000;
  allOk &&= ok;
  console.log(`${ok ? 'PASS' : 'FAIL'} CSV preview: 1 MiB ${small.ms.toFixed(1)} ms, ${(bigCsv.size / MiB).toFixed(0)} MiB ${big.ms.toFixed(1)} ms (${rows} rows) — ratio ${ratio.toFixed(2)} (target ≤ 1.30)`);
}

// Zip: Download folder of ZIP_FILES × 1 MiB against the plain download of the big CSV, alternated, best of 3
// each; the server's RSS (its process tree) sampled every 20 ms while the zip streams.
async function download(url) {
  const t = process.hrtime.bigint();
  const r = await fetch(url, { headers: { Cookie: cookie } });
  if (r.status !== 200) throw new Error(`${url}: ${r.status} ${await r.text()}`);
  let bytes = 0;
  for await (const c of r.body) bytes += c.length;
  return { bytes, seconds: Number(process.hrtime.bigint() - t) / 1e9 };
}
{
  const rawUrl = `${BASE}/api/datasets/${ids[2]}/files/csv/big.csv`;
  const zipUrl = `${BASE}/api/datasets/${ids[2]}/archive?path=zip`;
  await download(rawUrl);
  await download(zipUrl); // warm-up: JIT, page cache
  const raws = [];
  const zips = [];
  let growth = 0;
  for (let i = 0; i < 3; i++) {
    raws.push(await download(rawUrl));
    await new Promise((r) => setTimeout(r, 500));
    const base = rssOf(child.pid);
    let peak = base;
    const timer = setInterval(() => (peak = Math.max(peak, rssOf(child.pid))), 20);
    zips.push(await download(zipUrl));
    clearInterval(timer);
    growth = Math.max(growth, Math.max(peak, rssOf(child.pid)) - base);
  }
  const rate = (r) => r.bytes / MiB / r.seconds;
  const raw = Math.max(...raws.map(rate));
  const zip = Math.max(...zips.map(rate));
  if (raws.some((r) => r.bytes !== bigCsv.size)) throw new Error('the plain download was cut short');
  if (zips.some((r) => r.bytes < ZIP_FILES * MiB)) throw new Error(`the zip was cut short (${zips.map((r) => r.bytes)})`);
  const okRate = zip / raw >= 0.5;
  const okRss = growth < 128 * MiB;
  allOk &&= okRate && okRss;
  console.log(`${okRate ? 'PASS' : 'FAIL'} Download folder (${ZIP_FILES.toLocaleString('en-US')} × 1 MiB): ${zip.toFixed(0)} MiB/s vs the plain download's ${raw.toFixed(0)} MiB/s — ratio ${(zip / raw).toFixed(2)} (target ≥ 0.50)`);
  console.log(`${okRss ? 'PASS' : 'FAIL'} Download folder: server RSS growth ${(growth / MiB).toFixed(1)} MiB while zipping (target < 128 MiB)`);
}
console.log(allOk ? 'All targets met.' : 'Some targets were missed.');
process.exit(0);
