// `npm run bench:downloads` — many slow downloads at once: how much server memory do they hold, and
// is it given back? Prints figures and a PASS/FAIL line against the goal (exit code 1 on FAIL).
// Starts the production build (`npm run build` first) on BENCH_PORT (3301) with a throw-away DATA_DIR
// on the embedded database, signs up through the UI (Chromium), uploads one BENCH_FILE_MB (32) file,
// then, BENCH_ROUNDS (2) times, opens BENCH_CLIENTS (200) downloads of it that each read BENCH_READ_KB
// (64) KiB every 100 ms for BENCH_SECONDS (8), sampling the server's RSS; then drops them and measures
// again 5 s later and after BENCH_SETTLE_S (20) s of light traffic.
// Goal (issue 14): 200 slow downloads add < 150 MB, and it is released afterwards: little is left, and
// a second round does not add to what the first left (allocator slack is reused, nothing is leaked).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { rssOf, signUpWithDataset, startApp } from './lib/app-harness.mjs';

const MiB = 1024 * 1024;
const PORT = Number(process.env.BENCH_PORT || 3301);
const CLIENTS = Number(process.env.BENCH_CLIENTS || 200);
const FILE_MB = Number(process.env.BENCH_FILE_MB || 32);
const READ_KB = Number(process.env.BENCH_READ_KB || 64);
const SECONDS = Number(process.env.BENCH_SECONDS || 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 2);
const SETTLE_S = Number(process.env.BENCH_SETTLE_S || 20);
// Issue 14: 200 slow downloads add < 150 MB, and it is released afterwards.
const GOAL_GROWTH = 150e6;
const GOAL_RETAINED = 48 * 1024 * 1024;
const GOAL_CREEP = 16 * 1024 * 1024;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-bench-dl-'));
// BENCH_DATABASE_URL: PostgreSQL instead of the embedded database. PGlite runs inside the server, and
// its WebAssembly memory only ever grows, which blurs what the downloads themselves hold.
const app = await startApp({ port: PORT, env: { DATA_DIR: path.join(work, 'data'), DATABASE_URL: process.env.BENCH_DATABASE_URL || '', APP_URL: `http://127.0.0.1:${PORT}` } });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmt = (n) => `${(n / MiB).toFixed(0)} MiB`;

try {
  const { cookie, datasetId } = await signUpWithDataset(app.base);
  const url = `${app.base}/api/datasets/${datasetId}/files/slow.bin`;
  const body = Buffer.alloc(FILE_MB * MiB, 7);
  const put = await fetch(url, { method: 'PUT', headers: { cookie, origin: app.base }, body });
  if (put.status !== 201) throw new Error(`upload failed: ${put.status}`);
  // Warm-up: JIT, first queries, a few whole downloads.
  for (let i = 0; i < 5; i++) await (await fetch(url, { headers: { cookie } })).arrayBuffer();
  await sleep(2000);
  const base = rssOf(app.pid);

  /** One round: CLIENTS slow downloads for SECONDS, then they go away; RSS sampled throughout. */
  async function round() {
    let received = 0;
    const clients = [];
    const requests = [];
    for (let i = 0; i < CLIENTS; i++) {
      const req = http.get(url, { headers: { cookie }, agent: false });
      requests.push(req);
      req.on('error', () => {});
      req.on('response', (res) => {
        res.pause();
        const timer = setInterval(() => {
          // A slow reader: take about READ_KB per tick, leave the rest in the socket.
          let got = 0;
          let c;
          while (got < READ_KB * 1024 && (c = res.read()) !== null) got += c.length;
          received += got;
        }, 100);
        clients.push({ req, timer });
      });
    }
    const before = rssOf(app.pid);
    let peak = before;
    // Every client answered first (the machine is small), then SECONDS of all of them reading slowly.
    for (const t = Date.now(); clients.length < CLIENTS && Date.now() - t < 90_000; ) {
      peak = Math.max(peak, rssOf(app.pid));
      await sleep(100);
    }
    const until = Date.now() + SECONDS * 1000;
    while (Date.now() < until) {
      peak = Math.max(peak, rssOf(app.pid));
      await sleep(100);
    }
    const started = clients.length;
    for (const c of clients) clearInterval(c.timer);
    // Also those not answered yet (a busy machine): a pending request would keep this process alive.
    for (const req of requests) req.destroy();
    await sleep(5000);
    const at5 = rssOf(app.pid);
    // Light traffic for a while, as a server would have: V8 collects as it goes.
    let status;
    for (const t = Date.now(); Date.now() - t < SETTLE_S * 1000; ) {
      const ok = await fetch(url, { headers: { cookie, range: 'bytes=0-9' } });
      await ok.arrayBuffer();
      status = ok.status;
      await sleep(100);
    }
    return { started, before, peak, at5, settled: rssOf(app.pid), received, status };
  }

  console.log(`\nTrove slow-download bench — ${CLIENTS} clients a round, a ${FILE_MB} MiB file each, reading ${READ_KB} KiB / 100 ms for ${SECONDS} s; ${ROUNDS} round(s)`);
  console.log(`server RSS before: ${fmt(base)}   database: ${process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'embedded (PGlite, in the server process)'}${process.env.MALLOC_MMAP_THRESHOLD_ ? `   MALLOC_MMAP_THRESHOLD_=${process.env.MALLOC_MMAP_THRESHOLD_}` : ''}`);
  const rounds = [];
  for (let i = 1; i <= ROUNDS; i++) {
    const r = await round();
    rounds.push(r);
    console.log(
      `round ${i}: ${r.started} clients   peak ${fmt(r.peak)} (+${fmt(r.peak - base)})   5 s after ${fmt(r.at5)} (+${fmt(r.at5 - base)})   after ${SETTLE_S} s more of light traffic ${fmt(r.settled)} (+${fmt(r.settled - base)})   delivered ${fmt(r.received)}, still answering ${r.status}`,
    );
  }
  const growth = Math.max(...rounds.map((r) => r.peak - base));
  const retained = rounds.at(-1).settled - base;
  // Released: what stays after the last round is small, and does not grow from one round to the next
  // (what a round leaves behind is reused by the next, not added to).
  const creep = rounds.length > 1 ? rounds.at(-1).settled - rounds[0].settled : 0;
  const growthOk = growth < GOAL_GROWTH;
  const releasedOk = retained < GOAL_RETAINED && creep < GOAL_CREEP;
  console.log(`goal: each round adds < ${fmt(GOAL_GROWTH)} at its peak (${fmt(growth)}: ${growthOk ? 'ok' : 'missed'}); afterwards < ${fmt(GOAL_RETAINED)} is left (${fmt(retained)}) and it does not grow round to round (${creep >= 0 ? '+' : ''}${fmt(creep)}, allowed ${fmt(GOAL_CREEP)}): ${releasedOk ? 'ok' : 'missed'}`);
  console.log(growthOk && releasedOk ? 'PASS' : 'FAIL');
  process.exitCode = growthOk && releasedOk ? 0 : 1;
  if (rounds.some((r) => r.started < CLIENTS)) console.log(`(not every client was answered within 90 s: the machine is too busy for these figures to mean much)`);
} finally {
  await app.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
// Sockets of clients the server never answered may linger: leave now.
process.exit(process.exitCode ?? 0);
