// `npm run bench:downloads` — many slow downloads at once: how much server memory do they hold, and
// is it given back? A measurement, not a test (it prints figures and the target; exit code 0 either way).
// Starts the production build (`npm run build` first) on BENCH_PORT (3301) with a throw-away DATA_DIR
// on the embedded database, signs up through the UI (Chromium), uploads one BENCH_FILE_MB (32) file,
// then opens BENCH_CLIENTS (200) downloads of it that each read BENCH_READ_KB (64) KiB every 100 ms
// for BENCH_SECONDS (8), sampling the server's RSS; then drops them and measures again.
// Target (issue 14): 200 slow downloads add < 150 MB, and it is released afterwards.
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
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-bench-dl-'));
const app = await startApp({ port: PORT, env: { DATA_DIR: path.join(work, 'data'), DATABASE_URL: '', APP_URL: `http://127.0.0.1:${PORT}` } });
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

  let received = 0;
  const clients = [];
  for (let i = 0; i < CLIENTS; i++) {
    const req = http.get(url, { headers: { cookie }, agent: false });
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
  let peak = base;
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
  for (const c of clients) {
    clearInterval(c.timer);
    c.req.destroy();
  }
  await sleep(5000);
  const after = rssOf(app.pid);
  // Light traffic for a while, as a server would have: V8 collects as it goes, and hands pages back.
  let ok;
  for (const t = Date.now(); Date.now() - t < 20_000; ) {
    ok = await fetch(url, { headers: { cookie, range: 'bytes=0-9' } });
    await ok.arrayBuffer();
    await sleep(100);
  }
  const later = rssOf(app.pid);

  console.log(`\nTrove slow-download bench — ${started} of ${CLIENTS} clients, a ${FILE_MB} MiB file each, reading ${READ_KB} KiB / 100 ms for ${SECONDS} s`);
  console.log(`server RSS: before ${fmt(base)}   peak ${fmt(peak)}   growth ${fmt(peak - base)}   (target < 150 MB)`);
  console.log(`after the clients went away: ${fmt(after)} at 5 s (retained ${fmt(after - base)}), ${fmt(later)} after 20 s more of light traffic (retained ${fmt(later - base)})`);
  console.log(`delivered to the slow clients: ${fmt(received)}; the server still answers (${ok.status})`);
  console.log(peak - base < 150e6 ? 'Target met.' : 'Target missed.');
} finally {
  await app.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
