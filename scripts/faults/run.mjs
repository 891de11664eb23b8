// `npm run test:faults` — fault scripts too slow for `npm test`, each a separate process with its own
// checks; prints one `N passed, N failed` line. bad-requests, db-outage and two-instances need a build;
// db-outage and two-instances also FAULT_DATABASE_URL (or DATABASE_URL) of a database they may use, and
// are skipped without them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const scripts = ['data-dir-lock.mjs', 'bad-requests.mjs', 'db-outage.mjs', 'two-instances.mjs'];
let passed = 0;
let failed = 0;
for (const s of scripts) {
  console.log(`== fault: ${s}`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', `scripts/faults/${s}`], { stdio: 'inherit', timeout: 150_000 });
  const ok = r.status === 0;
  console.log(`== ${s}: ${ok ? 'passed' : `FAILED (${r.status ?? r.signal})`} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (ok) passed++;
  else failed++;
}
console.log(`${passed} passed, ${failed} failed`);
// For .ci/summarize.mjs, in the shape it reads from Playwright's report.
if (process.env.FAULT_REPORT) fs.writeFileSync(process.env.FAULT_REPORT, JSON.stringify({ stats: { expected: passed, unexpected: failed } }));
process.exit(failed ? 1 : 0);
