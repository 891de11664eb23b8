/** `npm run trove -- …`: the operator's way in without email, run as a real process on its own embedded database. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

async function trove(args: string[], dataDir: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  try {
    const r = await run(process.execPath, ['node_modules/tsx/dist/cli.mjs', '--conditions=react-server', 'scripts/trove.ts', ...args], { env, timeout: 60_000 });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe('operator commands', () => {
  it('explain usage, refuse bad addresses, and say when there is no such account', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-cli-'));
    expect(await trove(['bogus'], dir)).toMatchObject({ code: 2, out: expect.stringContaining('usage: npm run trove') });
    expect(await trove(['verify-email', 'not an email'], dir)).toMatchObject({ code: 2, out: expect.stringContaining('is not a valid email address') });
    expect(await trove(['verify-email', 'Nobody@Example.test'], dir)).toMatchObject({ code: 1, out: expect.stringContaining('No account has the address nobody@example.test') });
    expect(await trove(['reset-password', 'nobody@example.test'], dir)).toMatchObject({ code: 1, out: expect.stringContaining('no link was made') });
  }, 120_000);
});
