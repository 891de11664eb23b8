// Fault script (npm run test:faults): the built app on PostgreSQL through a TCP forwarder that we cut
// (a 0.85 s restart: connections reset, new ones refused) and then hang (a server that accepts and
// never answers, for 8 s), while clients keep loading a page, downloading a file and asking readiness.
// Expected: no 500 from route handlers or pages, 503 + Retry-After instead (pages: the "briefly
// unavailable" page); no request stalls longer than the connect timeout (5 s) plus a little; everything
// answers 200 again once the database is back.
// Needs a build and FAULT_DATABASE_URL (or DATABASE_URL) of a database it may use; else it is skipped.
import { startForwarder } from '../../lib/testing/tcp-forwarder.ts';
import { signUpWithDataset, startApp } from '../lib/app-harness.mjs';

const url = process.env.FAULT_DATABASE_URL || process.env.DATABASE_URL;
if (!url) {
  console.log('db-outage: skipped (set FAULT_DATABASE_URL or DATABASE_URL)');
  process.exit(0);
}
const PORT = Number(process.env.FAULT_PORT || 3300);
let failed = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failed++;
};

const u = new URL(url);
const fwd = await startForwarder({ host: u.hostname, port: Number(u.port || 5432) });
u.hostname = '127.0.0.1';
u.port = String(fwd.port);
const app = await startApp({ port: PORT, env: { DATABASE_URL: u.toString(), DATA_DIR: `/tmp/trove-fault-outage-${process.pid}` } });
try {
  const { cookie, datasetId } = await signUpWithDataset(app.base);
  const fileUrl = `${app.base}/api/datasets/${datasetId}/files/data.csv`;
  const put = await fetch(fileUrl, { method: 'PUT', headers: { cookie, origin: app.base, 'content-type': 'text/csv' }, body: 'a,b\n1,2\n' });
  check(put.status === 201, `uploaded a file (${put.status})`);

  const targets = {
    page: `${app.base}/datasets/${datasetId}`,
    download: fileUrl,
    ready: `${app.base}/api/health/ready`,
  };
  const results = [];
  let running = true;
  const loop = async (kind) => {
    while (running) {
      const t0 = Date.now();
      let status = 0;
      let retryAfter = null;
      let friendly = null;
      try {
        // Pages as a browser asks for them (a document), so a 503 must bring the friendly page.
        const accept = kind === 'page' ? 'text/html' : '*/*';
        const res = await fetch(targets[kind], { headers: { cookie, accept }, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
        status = res.status;
        retryAfter = res.headers.get('retry-after');
        const text = await res.text();
        if (kind === 'page' && status === 503) friendly = /briefly unavailable/.test(text);
      } catch {
        status = -1;
      }
      results.push({ kind, status, retryAfter, friendly, ms: Date.now() - t0, at: t0 });
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const loops = ['page', 'download', 'ready', 'page', 'download'].map(loop);

  await new Promise((r) => setTimeout(r, 1500));
  const cutAt = Date.now();
  await fwd.cut();
  await new Promise((r) => setTimeout(r, 850));
  await fwd.restore();
  await new Promise((r) => setTimeout(r, 4000));
  const hangAt = Date.now();
  await fwd.hang();
  await new Promise((r) => setTimeout(r, 8000));
  await fwd.cut();
  await fwd.restore();
  await new Promise((r) => setTimeout(r, 6000));
  running = false;
  await Promise.all(loops);

  const summary = (list) => {
    const by = {};
    for (const r of list) by[r.status] = (by[r.status] ?? 0) + 1;
    return Object.entries(by).map(([s, n]) => `${n}×${s}`).join(' ');
  };
  const restart = results.filter((r) => r.at >= cutAt && r.at < hangAt);
  const hang = results.filter((r) => r.at >= hangAt && r.at < hangAt + 8000);
  for (const kind of Object.keys(targets)) {
    console.log(`     ${kind.padEnd(8)} restart: ${summary(restart.filter((r) => r.kind === kind))}   hang: ${summary(hang.filter((r) => r.kind === kind))}`);
  }
  const handlers = results.filter((r) => r.kind !== 'page');
  check(!handlers.some((r) => r.status === 500 || r.status === -1), `route handlers never answered 500 or dropped the connection (${handlers.length} requests)`);
  const pages = results.filter((r) => r.kind === 'page');
  const pages500 = pages.filter((r) => r.status === 500 || r.status === -1).length;
  check(pages500 === 0, `pages never answered 500 or dropped the connection (${pages500} of ${pages.length} did)`);
  const unavailable = results.filter((r) => r.status === 503);
  check(unavailable.length > 0 && unavailable.every((r) => r.retryAfter), `every 503 carried Retry-After (${unavailable.length} of them)`);
  const page503 = results.filter((r) => r.kind === 'page' && r.status === 503);
  check(page503.length > 0 && page503.every((r) => r.friendly), `every page 503 was the "briefly unavailable" page (${page503.filter((r) => r.friendly).length} of ${page503.length})`);
  for (const r of results.filter((r) => r.ms > 5_000)) {
    console.log(`     slow: ${r.kind} started ${((r.at - hangAt) / 1000).toFixed(1)} s after the hang began, ${r.ms} ms, ${r.status}`);
  }
  const worst = Math.max(...results.map((r) => r.ms));
  // The connect timeout (5 s) plus db/read-retry.ts's STALL_SLACK_MS (0.5 s) and the rest of the
  // request: 7 s. Before, a read queued behind a hanging connect got a second connect timeout of its own
  // (~9 s), and before that requests stalled 18 s and more. On a machine so busy that requests are
  // slow anyway (the slowest before the outage took over a second), the bound grows by that excess.
  const calm = Math.max(0, ...results.filter((r) => r.at + r.ms < cutAt).map((r) => r.ms));
  const bound = 7_000 + Math.max(0, calm - 1_000);
  check(worst < bound, `longest request ${worst} ms (bound ${bound} ms: connect timeout 5 s + 0.5 s slack + the request itself; slowest before the outage ${calm} ms)`);
  const last = results.filter((r) => r.at > Date.now() - 3000);
  check(last.length > 0 && last.every((r) => r.status === 200), `after the outage everything answers 200 again (${summary(last)})`);
} finally {
  await app.stop();
  await fwd.close();
}
console.log(`db-outage: ${failed === 0 ? 'passed' : `${failed} check(s) failed`}`);
process.exit(failed === 0 ? 0 : 1);
