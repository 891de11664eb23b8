import crypto from 'node:crypto';
import { createUser } from '@/lib/users';
import { getDb } from '@/db/client';
import { datasetGrants, datasets } from '@/db/schema';
import type { GrantRole } from '@/lib/access';

/** A unique, valid email for one test. */
export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 12)}@example.test`;
}

/** A fresh user with a known password; its address counts as verified unless `verified: false`. */
export async function makeUser(name = 'Test User', opts: { verified?: boolean; email?: string } = {}) {
  return createUser({ name, email: opts.email ?? uniqueEmail(name.split(' ')[0].toLowerCase()), password: 'correct horse battery', verified: opts.verified ?? true });
}


/** A dataset owned by ownerId, inserted directly. */
export async function makeDataset(ownerId: string, name = `ds-${crypto.randomUUID().slice(0, 8)}`) {
  const db = await getDb();
  const [row] = await db.insert(datasets).values({ ownerId, name }).returning({ id: datasets.id, name: datasets.name });
  return row;
}

/** A direct grant, inserted directly (expiresAt in the past makes an expired grant). */
export async function grantAccess(datasetId: string, userId: string, role: GrantRole, expiresAt: Date | null = null) {
  const db = await getDb();
  const [row] = await db.insert(datasetGrants).values({ datasetId, userId, role, expiresAt }).returning({ id: datasetGrants.id });
  return row.id;
}
