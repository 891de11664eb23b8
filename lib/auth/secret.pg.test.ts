import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { instanceSecrets } from '@/db/schema';
import { config } from '@/lib/config';
import { getAuthSecret, loadAuthSecret } from './secret';

// Issue 14 (5): with DATABASE_URL, every instance signs sessions with the same generated secret.
// Real PostgreSQL only: vitest.config.ts runs *.pg.test.ts files only when the suite runs on PostgreSQL.
const saved = { AUTH_SECRET: process.env.AUTH_SECRET, DATABASE_URL: process.env.DATABASE_URL, DATA_DIR: process.env.DATA_DIR };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('generated AUTH_SECRET on PostgreSQL', () => {
  it('two instances with different DATA_DIRs and no AUTH_SECRET load the same secret (PostgreSQL)', async () => {
    const db = await getDb();
    await db.delete(instanceSecrets).where(eq(instanceSecrets.name, 'auth-secret'));
    const loaded: string[] = [];
    for (const i of [1, 2]) {
      delete process.env.AUTH_SECRET;
      process.env.DATA_DIR = fs.mkdtempSync(path.join(saved.DATA_DIR!, `instance-${i}-`));
      expect(() => getAuthSecret()).toThrow(/AUTH_SECRET/);
      await loadAuthSecret();
      loaded.push(getAuthSecret());
      expect(fs.existsSync(path.join(config.dataDir, 'auth-secret'))).toBe(false);
    }
    expect(loaded[0]).toBe(loaded[1]);
    expect(loaded[0].length).toBeGreaterThanOrEqual(40);
    await db.delete(instanceSecrets).where(eq(instanceSecrets.name, 'auth-secret'));
  });

});
