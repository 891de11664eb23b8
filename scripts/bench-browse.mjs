// `npm run bench:browse` — the Files tab of a 100,000-file folder against a 10-file one, server-rendered
// (full HTML of GET /datasets/<id>/files, median of BENCH_RUNS), on PostgreSQL. A measurement, not a test;
// run it under `flock /tmp/trove-bench.lock`. Target: 100,000 files ≤ 1.3 × the time of 10.
//
// Needs a production build (.next or NEXT_DIST_DIR) and BENCH_DATABASE_URL (a PostgreSQL database it may
// fill; rows are seeded with SQL). Starts the app on BENCH_PORT (3410) with a throw-away DATA_DIR and
// signs up through the UI with Playwright's Chromium.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';

const PORT = Number(process.env.BENCH_PORT || 3410);
const BASE = `http://127.0.0.1:${PORT}`;
const DB = process.env.BENCH_DATABASE_URL;
const RUNS = Number(process.env.BENCH_RUNS || 15);
const BIG = Number(process.env.BENCH_FILES || 100_000);
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
  env: { ...process.env, PORT: String(PORT), HOSTNAME: '127.0.0.1', NEXT_TELEMETRY_DISABLED: '1', DATA_DIR: path.join(work, 'data'), APP_URL: BASE, RESEND_API_KEY: '', DATABASE_URL: DB },
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
for (const n of ['small', 'big']) {
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
async function measure(id, query = '') {
  const url = `${BASE}/datasets/${id}/files${query}`;
  for (let i = 0; i < 3; i++) await time(url); // warm-up
  const runs = [];
  let html = '';
  for (let i = 0; i < RUNS; i++) {
    const r = await time(url);
    runs.push(r.ms);
    html = r.html;
  }
  return { ms: median(runs), html };
}

console.log(`\nTrove Files tab bench — ${BIG.toLocaleString('en-US')} vs 10 files in one folder, median of ${RUNS}, ${BASE}`);
let allOk = true;
for (const [label, query] of [['by name', ''], ['by size, largest first', '?sort=size&dir=desc'], ['by modified, page 2', '?sort=modified&page=2']]) {
  const small = await measure(ids[0], query);
  const big = await measure(ids[1], query);
  const ratio = big.ms / small.ms;
  const rows = (big.html.match(/aria-label="Select /g) ?? []).length;
  const ok = ratio <= 1.3 && rows === 100;
  allOk &&= ok;
  console.log(`${ok ? 'PASS' : 'FAIL'} Files tab ${label}: 10 files ${small.ms.toFixed(1)} ms, ${BIG.toLocaleString('en-US')} files ${big.ms.toFixed(1)} ms (${rows} rows) — ratio ${ratio.toFixed(2)} (target ≤ 1.30)`);
}
console.log(allOk ? 'All targets met.' : 'Some targets were missed.');
process.exit(0);
