// Fault script (npm run test:faults): the embedded database's DATA_DIR lock against a frozen process
// and a crashed one, with real processes opening PGlite through db/client.ts.
//  1. A opens DATA_DIR and writes; A is frozen (SIGSTOP) for 17 s. Throughout, B is refused, naming A's PID
//     (the old mtime lock went stale after 15 s and let B in).
//  2. A resumes and keeps writing (it never lost the lock).
//  3. A is killed (SIGKILL); B opens at once (the old lock refused for ~13 s) and finds every row A committed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const FREEZE_MS = Number(process.env.FAULT_FREEZE_MS || 17_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-fault-lock-'));
const children = [];
let failed = 0;
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failed++;
};

function holder(extra = []) {
  const child = spawn(process.execPath, ['--conditions=react-server', '--import', 'tsx', 'scripts/faults/db-holder.ts', dir, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL: '' },
  });
  children.push(child);
  const lines = [];
  let buf = '';
  const onData = (d) => {
    buf += d;
    const parts = buf.split('\n');
    buf = parts.pop();
    lines.push(...parts);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exit = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const waitFor = async (re, ms) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const hit = lines.find((l) => re.test(l));
      if (hit) return hit;
      if (child.exitCode !== null) return lines.find((l) => re.test(l)) ?? null;
      await new Promise((r) => setTimeout(r, 50));
    }
    return null;
  };
  return { child, lines, exit, waitFor };
}

try {
  const a = holder();
  check(Boolean(await a.waitFor(/^row 3$/, 60_000)), 'A opened the embedded database and is writing');

  a.child.kill('SIGSTOP');
  const frozenAt = Date.now();
  let attempts = 0;
  let refusedAll = true;
  let namedPid = true;
  while (Date.now() - frozenAt < FREEZE_MS) {
    const b = holder();
    const line = await b.waitFor(/^(open|refused)/, 30_000);
    attempts++;
    if (!line?.startsWith('refused')) refusedAll = false;
    if (!line?.includes(`PID ${a.child.pid}`)) namedPid = false;
    if (b.child.exitCode === null) b.child.kill('SIGKILL');
    await b.exit;
    await new Promise((r) => setTimeout(r, 1000));
  }
  check(refusedAll, `while A was frozen for ${Math.round((Date.now() - frozenAt) / 1000)} s, ${attempts} attempts by B were all refused`);
  check(namedPid, `each refusal named the holder: "PID ${a.child.pid}"`);

  a.child.kill('SIGCONT');
  const before = a.lines.filter((l) => l.startsWith('row ')).length;
  await new Promise((r) => setTimeout(r, 1000));
  const after = a.lines.filter((l) => l.startsWith('row ')).length;
  check(after > before && a.child.exitCode === null, `A resumed and kept writing (${after - before} more rows), holding the lock`);
  check(!a.lines.some((l) => /ECOMPROMISED|lost the lock/.test(l)), 'A never lost its lock');

  a.child.kill('SIGKILL');
  await a.exit;
  const committed = a.lines.filter((l) => l.startsWith('row ')).length;
  const t0 = Date.now();
  const c = holder();
  const opened = await c.waitFor(/^(open|refused)/, 60_000);
  const took = Date.now() - t0;
  check(opened?.startsWith('open'), `after A's SIGKILL, a new process opened the directory at once (${took} ms, PGlite start-up included)`);
  c.child.kill('SIGTERM');
  await c.exit;

  // Everything A reported committed is there.
  const verify = holder(['count']);
  await verify.exit;
  const out = verify.lines.join('\n');
  const count = Number(/count (\d+)/.exec(out)?.[1] ?? -1);
  check(count >= committed, `all ${committed} rows A committed are in the database (found ${count})`);
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(`data-dir-lock: ${failed === 0 ? 'passed' : `${failed} check(s) failed`}`);
process.exit(failed === 0 ? 0 : 1);
