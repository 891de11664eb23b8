// `npm start`: build once if there is no production build, then serve it on PORT (default 3000).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';

process.env.NEXT_TELEMETRY_DISABLED = '1';
const next = 'node_modules/next/dist/bin/next';

const distDir = process.env.NEXT_DIST_DIR || '.next';
if (!fs.existsSync(`${distDir}/BUILD_ID`)) {
  console.log('Trove: no production build yet, building (about a minute)…');
  const build = spawnSync(process.execPath, [next, 'build'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const args = [next, 'start', '-p', process.env.PORT || '3000'];
if (process.env.HOSTNAME) args.push('-H', process.env.HOSTNAME);
const child = spawn(process.execPath, args, { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
