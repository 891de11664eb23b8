// Fault script (npm run test:faults): requests that Next itself answers with a bare 500 unless
// scripts/start.mjs refuses them first (issue 9 residuals): an upload whose path has a lone %80 (not
// valid UTF-8, and let through by proxy.ts's matcher because it has a body), the same under /s3, and
// a server-action body over the limit sent chunked (no Content-Length for proxy.ts to check), with
// JavaScript (Next-Action header) and without (a multipart form post). Expected: 400 / 413 with a clear
// message, and nothing written. Needs a build; runs on the embedded database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signUpWithDataset, startApp } from '../lib/app-harness.mjs';

const PORT = Number(process.env.FAULT_PORT || 3300);
let failed = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failed++;
};

/** The id of a server action in this build (the login form's), as a browser would send it. */
function loginActionId() {
  const distDir = process.env.NEXT_DIST_DIR || '.next';
  const manifest = JSON.parse(fs.readFileSync(path.join(distDir, 'server/server-reference-manifest.json'), 'utf8'));
  const found = Object.entries(manifest.node).find(([, v]) => v.exportedName === 'loginAction');
  if (!found) throw new Error('no loginAction in the server-reference manifest');
  return found[0];
}

/** A body of `size` bytes sent chunked: a stream has no Content-Length. */
function chunked(size) {
  return new ReadableStream({
    start(c) {
      for (let left = size; left > 0; left -= 64 * 1024) c.enqueue(new Uint8Array(Math.min(left, 64 * 1024)).fill(48));
      c.close();
    },
  });
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-fault-bad-'));
const dataDir = path.join(work, 'data');
const app = await startApp({ port: PORT, env: { DATABASE_URL: '', DATA_DIR: dataDir, APP_URL: `http://127.0.0.1:${PORT}` } });
try {
  const { base } = app;
  const { cookie, datasetId } = await signUpWithDataset(base);
  const headers = { cookie, origin: base };

  // 1. An upload to a path with a lone continuation byte.
  const bad = await fetch(`${base}/api/datasets/${datasetId}/files/a%80b.csv`, { method: 'PUT', headers: { ...headers, 'content-type': 'text/csv' }, body: 'a,b\n1,2\n'.repeat(10_000) });
  const badBody = await bad.text();
  check(bad.status === 400 && /not valid URL encoding/.test(JSON.parse(badBody).error ?? ''), `an upload to …/a%80b.csv answers 400 with a clear JSON message (${bad.status} ${badBody.slice(0, 90)})`);
  const tmp = path.join(dataDir, 'blobs/tmp');
  const leftovers = fs.existsSync(tmp) ? fs.readdirSync(tmp, { recursive: true }).filter((f) => fs.statSync(path.join(tmp, String(f))).isFile()) : [];
  check(leftovers.length === 0, `nothing half-written under blobs/tmp (${leftovers.length} file(s))`);
  const good = await fetch(`${base}/api/datasets/${datasetId}/files/caf%C3%A9.csv`, { method: 'PUT', headers: { ...headers, 'content-type': 'text/csv' }, body: 'a,b\n1,2\n' });
  check(good.status === 201, `a valid encoded name still uploads (${good.status})`);
  const chunkedBad = await fetch(`${base}/api/datasets/${datasetId}/files/%80`, { method: 'PUT', headers, body: chunked(256 * 1024), duplex: 'half' });
  check(chunkedBad.status === 400, `a chunked upload to …/%80 answers 400 (${chunkedBad.status})`);

  // 2. The same under /s3: S3's own error shape.
  const s3 = await fetch(`${base}/s3/bucket/a%80`, { method: 'PUT', body: 'x' });
  const s3Body = await s3.text();
  check(s3.status === 400 && s3Body.includes('<Code>InvalidURI</Code>'), `an S3 PUT to a%80 answers 400 InvalidURI (${s3.status})`);

  // 3. Server-action bodies over the limit, chunked.
  const action = loginActionId();
  const big = await fetch(`${base}/login`, { method: 'POST', headers: { ...headers, 'next-action': action, 'content-type': 'text/plain;charset=UTF-8' }, body: chunked(3 * 1024 * 1024), duplex: 'half' });
  const bigBody = await big.text();
  check(big.status === 413 && /too much data/i.test(bigBody), `a 3 MB chunked server-action body answers 413 (${big.status} ${bigBody.slice(0, 80)})`);
  const form = await fetch(`${base}/login`, { method: 'POST', headers: { ...headers, 'content-type': 'multipart/form-data; boundary=x' }, body: chunked(3 * 1024 * 1024), duplex: 'half' });
  check(form.status === 413, `a 3 MB chunked form post without JavaScript answers 413 (${form.status})`);
  await form.text();
  const declared = await fetch(`${base}/login`, { method: 'POST', headers: { ...headers, 'content-type': 'multipart/form-data; boundary=x' }, body: new Uint8Array(2 * 1024 * 1024) });
  check(declared.status === 413, `a 2 MB form post with Content-Length and no Next-Action answers 413 (${declared.status})`);
  await declared.text();
  // A chunked action within the limit still reaches the action (a wrong password is a form answer, not an error).
  const small = await fetch(`${base}/login`, {
    method: 'POST',
    headers: { origin: base, 'next-action': action, 'content-type': 'text/plain;charset=UTF-8', accept: 'text/x-component' },
    body: new Blob([JSON.stringify([{ email: 'nobody@example.test', password: 'wrong password 123' }])]).stream(),
    duplex: 'half',
  });
  check(small.status === 200, `a small chunked server-action body still reaches the action (${small.status})`);
  await small.text();
  const health = await fetch(`${base}/api/health`);
  check(health.status === 200, `the server still answers (${health.status})`);
} finally {
  await app.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
console.log(`bad-requests: ${failed === 0 ? 'passed' : `${failed} check(s) failed`}`);
process.exit(failed === 0 ? 0 : 1);
