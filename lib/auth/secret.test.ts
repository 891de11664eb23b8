import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { instanceSecrets } from '@/db/schema';
import { config } from '@/lib/config';
import { getAuthSecret, loadAuthSecret, sharedSecret } from './secret';

// Issue 14 (5): with DATABASE_URL, every instance signs sessions with the same generated secret.
const saved = { AUTH_SECRET: process.env.AUTH_SECRET, DATABASE_URL: process.env.DATABASE_URL, DATA_DIR: process.env.DATA_DIR };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('generated AUTH_SECRET', () => {
  it('is created once in the database, whichever of several instances asks first', async () => {
    const db = await getDb();
    const name = `test-${crypto.randomUUID()}`;
    // Five instances starting at once, each with its own candidate (e.g. its own DATA_DIR's file).
    const got = await Promise.all([1, 2, 3, 4, 5].map(() => sharedSecret(db, name, () => crypto.randomBytes(32).toString('base64url'))));
    expect(new Set(got).size).toBe(1);
    expect(await sharedSecret(db, name, () => 'another')).toBe(got[0]);
    await db.delete(instanceSecrets).where(eq(instanceSecrets.name, name));
  });

  it('on the embedded database, stays a file in DATA_DIR (mode 0600)', async () => {
    delete process.env.AUTH_SECRET;
    delete process.env.DATABASE_URL;
    process.env.DATA_DIR = fs.mkdtempSync(path.join(saved.DATA_DIR!, 'embedded-'));
    await loadAuthSecret();
    const secret = getAuthSecret();
    const file = path.join(config.dataDir, 'auth-secret');
    expect(fs.readFileSync(file, 'utf8')).toBe(secret);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });
});
