import 'server-only';
import crypto from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { accessKeys, datasets, users } from '@/db/schema';
import { accessibleDatasets, getDatasetAccess } from '@/lib/access';
import { AppError } from '@/lib/errors';
import { decryptSecret, encryptSecret } from './secrets';

/** Access keys for the S3-compatible endpoint: create (secret shown once), list, revoke, resolve. */

export type NewAccessKey = { name: string; readOnly: boolean; datasetId: string | null; expiresAt: Date | null };
export type CreatedAccessKey = { id: string; accessKeyId: string; secretAccessKey: string };
export type AccessKeyItem = {
  id: string;
  name: string;
  accessKeyId: string;
  readOnly: boolean;
  datasetId: string | null;
  datasetName: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
};

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const KEY_ID = /^TRV[A-Z2-7]{17}$/;
const MAX_KEYS_PER_USER = 50;

function randomKeyId(): string {
  const bytes = crypto.randomBytes(17);
  return 'TRV' + Array.from(bytes, (b) => BASE32[b & 31]).join('');
}

/** Creates a key for the user; a one-dataset key needs current access to that dataset. */
export async function createAccessKey(userId: string, input: NewAccessKey): Promise<CreatedAccessKey> {
  const name = input.name.trim();
  if (name === '' || name.length > 100) throw new AppError('INVALID', 'Give the key a name of at most 100 characters.', 'name');
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw new AppError('INVALID', 'The expiry date must be in the future.', 'expiresAt');
  const db = await getDb();
  if (input.datasetId) await getDatasetAccess(db, userId, input.datasetId);
  const [{ n }] = await db.select({ n: sql<number>`count(*)::int` }).from(accessKeys).where(eq(accessKeys.userId, userId));
  if (Number(n) >= MAX_KEYS_PER_USER) throw new AppError('INVALID', `You can have at most ${MAX_KEYS_PER_USER} access keys. Revoke one first.`);
  const accessKeyId = randomKeyId();
  const secretAccessKey = crypto.randomBytes(30).toString('base64url');
  const [row] = await db
    .insert(accessKeys)
    .values({ userId, name, accessKeyId, secretEncrypted: encryptSecret(secretAccessKey, accessKeyId), readOnly: input.readOnly, datasetId: input.datasetId, expiresAt: input.expiresAt })
    .returning({ id: accessKeys.id });
  return { id: row.id, accessKeyId, secretAccessKey };
}

/** The user's keys, newest first (never the secrets). */
export async function listAccessKeys(userId: string): Promise<AccessKeyItem[]> {
  const db = await getDb();
  return db
    .select({
      id: accessKeys.id,
      name: accessKeys.name,
      accessKeyId: accessKeys.accessKeyId,
      readOnly: accessKeys.readOnly,
      datasetId: accessKeys.datasetId,
      datasetName: datasets.name,
      createdAt: accessKeys.createdAt,
      lastUsedAt: accessKeys.lastUsedAt,
      expiresAt: accessKeys.expiresAt,
    })
    .from(accessKeys)
    .leftJoin(datasets, eq(datasets.id, accessKeys.datasetId))
    .where(eq(accessKeys.userId, userId))
    .orderBy(desc(accessKeys.createdAt), desc(accessKeys.id));
}

/** Deletes one of the user's keys; the very next request signed with it fails. */
export async function revokeAccessKey(userId: string, keyId: string): Promise<void> {
  const db = await getDb();
  if (!/^[0-9a-f-]{36}$/i.test(keyId)) throw new AppError('NOT_FOUND', 'That access key no longer exists.');
  const gone = await db.delete(accessKeys).where(and(eq(accessKeys.id, keyId), eq(accessKeys.userId, userId))).returning({ id: accessKeys.id });
  if (gone.length === 0) throw new AppError('NOT_FOUND', 'That access key no longer exists.');
}

export type KeyPrincipal = { keyId: string; name: string; userId: string; readOnly: boolean; datasetId: string | null; secret: string };

/** A live key by its public id, with its secret in clear; null when unknown, expired or undecryptable. */
export async function resolveAccessKey(accessKeyId: string): Promise<KeyPrincipal | null> {
  if (!KEY_ID.test(accessKeyId)) return null;
  const db = await getDb();
  const [row] = await db
    .select({ id: accessKeys.id, name: accessKeys.name, userId: accessKeys.userId, readOnly: accessKeys.readOnly, datasetId: accessKeys.datasetId, secretEncrypted: accessKeys.secretEncrypted, expiresAt: accessKeys.expiresAt })
    .from(accessKeys)
    .where(eq(accessKeys.accessKeyId, accessKeyId));
  if (!row || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return null;
  const secret = decryptSecret(row.secretEncrypted, accessKeyId);
  if (secret === null) return null;
  return { keyId: row.id, name: row.name, userId: row.userId, readOnly: row.readOnly, datasetId: row.datasetId, secret };
}

// When this process last recorded each key's use: the "last used" column is kept to the minute, so
// most requests need no write at all (a Map lookup instead of a round trip).
const touched = new Map<string, number>();
const TOUCH_EVERY_MS = 60_000;

/** Records use, at most once a minute per key (a conditional update, no read first; skipped when this process did it lately). */
export async function touchAccessKey(keyId: string): Promise<void> {
  const now = Date.now();
  if (now - (touched.get(keyId) ?? 0) < TOUCH_EVERY_MS) return;
  if (touched.size > 10_000) touched.clear();
  touched.set(keyId, now);
  const db = await getDb();
  await db
    .update(accessKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(accessKeys.id, keyId), sql`(${accessKeys.lastUsedAt} is null or ${accessKeys.lastUsedAt} < now() - interval '1 minute')`));
}

/**
 * The datasets a key may be limited to: those the user can reach now, each with a label that tells
 * it apart — the name, plus the owner's email when another reachable dataset has the same name
 * ("pets (alice@example.com)"); an owner's dataset names are unique, so that is enough.
 */
export async function listKeyableDatasets(userId: string): Promise<{ id: string; name: string; label: string }[]> {
  const db = await getDb();
  const reach = accessibleDatasets(db, userId).as('reach');
  const rows = await db
    .select({ id: reach.id, name: reach.name, owner: users.email })
    .from(reach)
    .innerJoin(users, eq(users.id, reach.ownerId))
    .orderBy(sql`lower(${reach.name})`, users.email, reach.id);
  const byName = rows.reduce((m, r) => m.set(r.name, (m.get(r.name) ?? 0) + 1), new Map<string, number>());
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    label: byName.get(r.name) === 1 ? r.name : `${r.name} (${r.owner})`,
  }));
}
