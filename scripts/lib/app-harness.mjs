// Shared by fault scripts and benchmarks: start the production build on 127.0.0.1, sign up a user and
// create a dataset through the UI (Chromium), measure a process tree's memory. Needs `npm run build`.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Starts the production server (scripts/start.mjs) with env on port; resolves once /api/health answers. Kill it with .stop(). */
export async function startApp({ port, env = {}, log = false }) {
  const distDir = process.env.NEXT_DIST_DIR || '.next';
  if (!fs.existsSync(path.join(distDir, 'BUILD_ID'))) throw new Error(`No production build in ${distDir}: run \`npm run build\` first.`);
  // BENCH_NODE_ARGS: extra node flags for the app, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, 'scripts/start.mjs'], {
    env: { ...process.env, PORT: String(port), HOSTNAME: '127.0.0.1', NEXT_TELEMETRY_DISABLED: '1', RESEND_API_KEY: '', SIGNUPS_PER_HOUR: '1000', ...env },
    stdio: ['ignore', log ? 'inherit' : 'pipe', log ? 'inherit' : 'pipe'],
  });
  const output = [];
  child.stdout?.on('data', (d) => output.push(String(d)));
  child.stderr?.on('data', (d) => output.push(String(d)));
  const base = `http://127.0.0.1:${port}`;
  const exited = new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`the app exited (${code}):\n${output.join('')}`))));
  const up = (async () => {
    for (const until = Date.now() + 120_000; Date.now() < until; ) {
      try {
        if ((await fetch(`${base}/api/health`)).ok) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('the app did not come up');
  })();
  await Promise.race([up, exited]);
  exited.catch(() => {});
  return {
    base,
    pid: child.pid,
    output,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => {
        child.once('exit', r);
        setTimeout(() => (child.exitCode === null ? child.kill('SIGKILL') : null), 10_000).unref();
      });
    },
  };
}

/** Signs up a fresh user and creates a dataset through the UI; returns the session cookie and the dataset id. */
export async function signUpWithDataset(base) {
  const { chromium } = await import('@playwright/test');
  const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
  const browser = await chromium.launch({ executablePath, args: ['--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'] });
  try {
    const page = await browser.newPage({ baseURL: base });
    await page.goto('/signup');
    const email = `fault-${crypto.randomUUID().slice(0, 8)}@example.test`;
    await page.getByRole('textbox', { name: 'Name' }).fill('Fault');
    await page.getByRole('textbox', { name: 'Email' }).fill(email);
    await page.getByRole('textbox', { name: 'Password' }).fill('fault password 123');
    await page.getByRole('button', { name: 'Create account' }).click();
    // Sign-up answers "check your email" (no email here): then log in.
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await page.goto('/login');
    await page.getByRole('textbox', { name: 'Email' }).fill(email);
    await page.getByRole('textbox', { name: 'Password' }).fill('fault password 123');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/datasets/);
    await page.goto('/datasets/new');
    await page.getByRole('textbox', { name: 'Name' }).fill(`fault ${Date.now()}`);
    await page.getByRole('button', { name: 'Create dataset' }).click();
    await page.waitForURL(/\/datasets\/[0-9a-f-]{36}/);
    const datasetId = new URL(page.url()).pathname.split('/').pop();
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    return { cookie, datasetId };
  } finally {
    await browser.close();
  }
}

/** A process and all its descendants. */
export function treeOf(pid) {
  const out = [pid];
  for (const task of fs.readdirSync(`/proc/${pid}/task`, { withFileTypes: true })) {
    const kids = fs.readFileSync(`/proc/${pid}/task/${task.name}/children`, 'utf8').trim();
    for (const k of kids ? kids.split(/\s+/) : []) out.push(...treeOf(Number(k)));
  }
  return out;
}

/** Resident memory of a process and its descendants, in bytes. */
export function rssOf(pid) {
  let total = 0;
  for (const p of treeOf(pid)) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) total += Number(m[1]) * 1024;
    } catch {}
  }
  return total;
}
