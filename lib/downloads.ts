import 'server-only';
import DataLoader from 'dataloader';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { getDb, type Db } from '@/db/client';
import { accessKeys, entries, fileVersions, missingBlobs, sessions } from '@/db/schema';
import { can, datasetRoleSql, isDatasetId, type DatasetRole } from '@/lib/access';
import { isSessionId, liveSession, touchSession } from '@/lib/auth/sessions';
import { AppError } from '@/lib/errors';
import { normalizePath } from '@/lib/paths';

/**
 * The download fast paths' lookups (lib/downloads/node-handler.ts for browsers, lib/s3/fast-get.ts for
 * GetObject): ONE statement checks who asks (the session row, or the access key), their effective role
 * on the dataset (lib/access.ts datasetRoleSql, the rules every other path uses) and fetches the entry —
 * instead of three round trips. Nothing is cached: a revoked grant, an ended session or a deleted key
 * is refused on the very next request. The same answers as lib/files.ts openDownload and
 * lib/file-history.ts openVersionDownload: NOT_FOUND for no access, a missing file, a folder or bytes
 * marked missing.
 */

/** What a download answer needs of a stored file, and where its bytes are (never sent to clients). */
export type StoredFile = {
  name: string;
  path: string;
  size: number;
  contentType: string | null;
  sha256: string | null;
  updatedAt: Date;
  storageKey: string;
};

export type DownloadTarget = { file: string } | { version: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NO_UUID = '00000000-0000-0000-0000-000000000000';
const datasetNotFound = () => new AppError('NOT_FOUND', 'Dataset not found.');

export const missingBytes = (datasetId: string, file: StoredFile, version = false) => {
  console.error(`Trove: the stored bytes of ${version ? 'a version of ' : ''}file "${file.path}" in dataset ${datasetId} are missing (blob ${file.storageKey}).`);
  return new AppError('NOT_FOUND', `The stored bytes of this ${version ? 'version' : 'file'} are missing.`);
};

const param = {
  sessionId: sql.placeholder('sessionId'),
  userId: sql.placeholder('userId'),
  datasetId: sql.placeholder('datasetId'),
  versionId: sql.placeholder('versionId'),
};
const fileColumns = { name: entries.name, path: entries.path, kind: entries.kind, size: entries.size, contentType: entries.contentType, sha256: entries.sha256, updatedAt: entries.updatedAt, storageKey: entries.storageKey };
const versionColumns = { name: entries.name, path: entries.path, kind: entries.kind, size: fileVersions.size, contentType: fileVersions.contentType, sha256: fileVersions.sha256, updatedAt: fileVersions.savedAt, storageKey: fileVersions.storageKey };

// A batch of file lookups is a table of its arguments (one row per request, numbered from 1) that the
// statement joins the session or key, the role and the entry to; each argument goes in as one array.
const batchOf = <A extends Record<string, string>>(columns: { [K in keyof A]: 'text' | 'uuid' }) => {
  const names = Object.keys(columns) as (keyof A & string)[];
  const arrays = names.map((name) => sql`${sql.placeholder(name)}::${sql.raw(columns[name])}[]`);
  return {
    from: sql`unnest(${sql.join(arrays, sql`, `)}) with ordinality as batch(${sql.raw(names.map((n) => `"${n}"`).join(', '))}, i)`,
    col: (name: keyof A & string) => sql.raw(`batch."${name}"`),
    i: sql<number>`batch.i`.mapWith(Number),
    params: (args: readonly A[]) => Object.fromEntries(names.map((name) => [name, args.map((a) => a[name])])),
  };
};
type SessionArgs = { sessionId: string; userId: string; datasetId: string; path: string };
const sessionBatch = batchOf<SessionArgs>({ sessionId: 'uuid', userId: 'uuid', datasetId: 'uuid', path: 'text' });
type KeyArgs = { accessKeyId: string; datasetId: string; path: string };
const keyBatch = batchOf<KeyArgs>({ accessKeyId: 'text', datasetId: 'uuid', path: 'text' });
const entryAt = (batch: { col: (name: 'datasetId' | 'path') => SQL }) => and(eq(entries.datasetId, batch.col('datasetId')), eq(entries.path, batch.col('path')));

// Each statement is built once per database (drizzle's query building cost more than the query) and
// prepared by the driver once per connection; the ids go in as parameters.
function statements(db: Db) {
  const sessionFiles = db
    .select({ i: sessionBatch.i, lastSeenAt: sessions.lastSeenAt, role: datasetRoleSql(db, sessionBatch.col('userId'), sessionBatch.col('datasetId')), ...fileColumns, blobMissingAt: missingBlobs.foundAt })
    .from(sessionBatch.from)
    .innerJoin(sessions, liveSession(sessionBatch.col('sessionId'), sessionBatch.col('userId')))
    .leftJoin(entries, entryAt(sessionBatch))
    .leftJoin(missingBlobs, eq(missingBlobs.key, entries.storageKey))
    .prepare('trove_session_files');
  const sessionVersion = db
    .select({ lastSeenAt: sessions.lastSeenAt, role: datasetRoleSql(db, param.userId, param.datasetId), ...versionColumns, blobMissingAt: missingBlobs.foundAt })
    .from(sessions)
    .leftJoin(fileVersions, and(eq(fileVersions.id, param.versionId), eq(fileVersions.datasetId, param.datasetId)))
    .leftJoin(entries, and(eq(entries.id, fileVersions.entryId), eq(entries.datasetId, param.datasetId)))
    .leftJoin(missingBlobs, eq(missingBlobs.key, fileVersions.storageKey))
    .where(liveSession(param.sessionId, param.userId))
    .prepare('trove_session_version');
  const keyFiles = db
    .select({
      i: keyBatch.i,
      keyId: accessKeys.id, keyName: accessKeys.name, userId: accessKeys.userId, readOnly: accessKeys.readOnly, keyDatasetId: accessKeys.datasetId, secretEncrypted: accessKeys.secretEncrypted, expiresAt: accessKeys.expiresAt,
      role: datasetRoleSql(db, accessKeys.userId, keyBatch.col('datasetId')),
      ...fileColumns,
      blobMissingAt: missingBlobs.foundAt,
    })
    .from(keyBatch.from)
    .innerJoin(accessKeys, eq(accessKeys.accessKeyId, keyBatch.col('accessKeyId')))
    .leftJoin(entries, entryAt(keyBatch))
    .leftJoin(missingBlobs, eq(missingBlobs.key, entries.storageKey))
    .prepare('trove_key_files');
  return { sessionFiles, sessionVersion, keyFiles };
}
const prepared = new WeakMap<Db, ReturnType<typeof statements>>();
async function getStatements() {
  const db = await getDb();
  let s = prepared.get(db);
  if (!s) prepared.set(db, (s = statements(db)));
  return { db, s };
}

/**
 * Concurrent downloads share a round trip: the file lookups asked for in one turn of the event loop
 * (every request whose bytes arrived in it) go to the database as ONE statement over a table of their
 * arguments, each answered from its own row — read when it was asked, never reused (DataLoader, its
 * cache off). Under load this takes most of the per-request database work and socket writes off the
 * hot path (npm run bench:s3, bench:scale P6).
 */
function batched<A, R>(run: (s: ReturnType<typeof statements>, args: readonly A[]) => Promise<(R & { i: number })[]>) {
  const loader = new DataLoader<A, R | null>(
    async (args) => {
      const { s } = await getStatements();
      const answers: (R | null)[] = args.map(() => null);
      for (const row of await run(s, args)) answers[row.i - 1] = row;
      return answers;
    },
    { cache: false, maxBatchSize: 64, batchScheduleFn: (go) => setImmediate(go) },
  );
  return (arg: A) => loader.load(arg);
}
const sessionFile = batched((s, args: readonly SessionArgs[]) => s.sessionFiles.execute(sessionBatch.params(args)));
const keyFile = batched((s, args: readonly KeyArgs[]) => s.keyFiles.execute(keyBatch.params(args)));

type Row = { role: DatasetRole | null; name: string | null; path: string | null; kind: string | null; size: number | null; contentType: string | null; sha256: string | null; updatedAt: Date | null; storageKey: string | null; blobMissingAt: Date | null };

// The entry from a looked-up row, or the error openDownload / openVersionDownload would throw.
function fileOf(row: Row, datasetId: string, target: DownloadTarget, pathError: unknown): StoredFile {
  if (!can(row.role, 'dataset.view')) throw datasetNotFound();
  if (pathError) throw pathError; // a malformed path is told only to those who may look
  const version = 'version' in target;
  if (row.kind !== 'file' || !row.storageKey || row.name === null || row.path === null || row.size === null || row.updatedAt === null) {
    throw new AppError('NOT_FOUND', version ? 'That version no longer exists.' : 'File not found.');
  }
  const file: StoredFile = { name: row.name, path: row.path, size: row.size, contentType: row.contentType, sha256: row.sha256, updatedAt: row.updatedAt, storageKey: row.storageKey };
  // Marked by `trove storage check --repair`: no need to ask the store again.
  if (row.blobMissingAt) throw missingBytes(datasetId, file, version);
  return file;
}

function parsedPath(target: DownloadTarget): { path: string | null; error: unknown } {
  if (!('file' in target)) return { path: null, error: null };
  try {
    return { path: normalizePath(target.file), error: null };
  } catch (err) {
    return { path: null, error: err };
  }
}

/**
 * A browser download for a session cookie's ids: null when the session is not live (ended, expired,
 * someone else's — the caller answers 401); else the file, or NOT_FOUND as openDownload throws it.
 */
export async function lookupSessionDownload(sessionId: string, userId: string, datasetId: string, target: DownloadTarget): Promise<StoredFile | null> {
  if (!isSessionId(sessionId) || !isSessionId(userId)) return null;
  if (!isDatasetId(datasetId)) throw new Error('lookupSessionDownload: the caller checks the dataset id first');
  const { db, s } = await getStatements();
  const { path, error } = parsedPath(target);
  const row =
    'file' in target
      ? await sessionFile({ sessionId, userId, datasetId, path: path ?? '' })
      : (await s.sessionVersion.execute({ sessionId, userId, datasetId, versionId: UUID.test(target.version) ? target.version : NO_UUID }))[0];
  if (!row) return null;
  await touchSession(db, sessionId, row.lastSeenAt);
  return fileOf(row as Row, datasetId, target, error);
}

export type KeyLookup = {
  key: { keyId: string; name: string; userId: string; readOnly: boolean; datasetId: string | null; secretEncrypted: string; expiresAt: Date | null };
  /** The object, or what openDownload would throw for it (checked only after the signature). */
  file: () => StoredFile;
  /** Whether the key's user can reach the dataset at all (NoSuchBucket vs NoSuchKey). */
  reachable: boolean;
};

/** An S3 GetObject/HeadObject: the access key (by its public id), its user's role on the bucket and the object, in one statement; null for an unknown key id. */
export async function lookupKeyDownload(accessKeyId: string, bucket: string, key: string): Promise<KeyLookup | null> {
  if (!isDatasetId(bucket)) throw new Error('lookupKeyDownload: the caller checks the bucket first');
  const { path, error } = parsedPath({ file: key });
  const row = await keyFile({ accessKeyId, datasetId: bucket, path: path ?? '' });
  if (!row) return null;
  return {
    key: { keyId: row.keyId, name: row.keyName, userId: row.userId, readOnly: row.readOnly, datasetId: row.keyDatasetId, secretEncrypted: row.secretEncrypted, expiresAt: row.expiresAt },
    file: () => fileOf(row as Row, bucket, { file: key }, error),
    reachable: can(row.role, 'dataset.view'),
  };
}
