import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { createSession, endSession } from '@/lib/auth/sessions';
import { AppError } from '@/lib/errors';
import { uploadFile } from '@/lib/files';
import { createAccessKey } from '@/lib/s3/keys';
import { grantAccess, makeDataset, makeUser } from '@/lib/testing/factories';
import { lookupKeyDownload, lookupSessionDownload } from './downloads';

// The download lookups are batched: those asked in one turn of the event loop go to the database as
// one statement. Whatever the mix, each caller must get the answer it would get alone.

beforeAll(async () => {
  await getDb();
});

async function outcome(lookup: () => Promise<unknown>): Promise<string> {
  try {
    const found = await lookup();
    if (found === null) return 'null';
    if (typeof found === 'object' && found && 'file' in found && 'key' in found) {
      const k = found as { key: { userId: string }; file: () => { path: string; size: number }; reachable: boolean };
      let file: string;
      try {
        const f = k.file();
        file = `${f.path}:${f.size}`;
      } catch (err) {
        file = err instanceof AppError ? `${err.code} ${err.message}` : String(err);
      }
      return `key of ${k.key.userId.slice(0, 8)} reachable=${k.reachable} ${file}`;
    }
    const f = found as { path: string; size: number };
    return `${f.path}:${f.size}`;
  } catch (err) {
    return err instanceof AppError ? `${err.code} ${err.message}` : `thrown ${String(err)}`;
  }
}

describe('download lookups (lib/downloads.ts)', () => {
  it('asked together, each is answered as if asked alone: sessions, keys, roles, missing files and ended sessions mixed', async () => {
    const owner = await makeUser('Owner');
    const viewer = await makeUser('Viewer');
    const stranger = await makeUser('Stranger');
    const mine = await makeDataset(owner.id);
    const other = await makeDataset(stranger.id);
    const put = (userId: string, datasetId: string, path: string, bytes: string) =>
      uploadFile(userId, datasetId, path, Readable.from([Buffer.from(bytes)]), { contentLength: bytes.length, contentType: 'text/plain' });
    await put(owner.id, mine.id, 'a.txt', 'a');
    await put(owner.id, mine.id, 'dir/b.txt', 'bb');
    await put(stranger.id, other.id, 'c.txt', 'ccc');
    await grantAccess(mine.id, viewer.id, 'viewer');

    const sessions = await Promise.all([owner, viewer, stranger, owner].map((u) => createSession(u.id, 'test').then((sid) => ({ sid, userId: u.id }))));
    await endSession(sessions[3].sid);
    const keys = await Promise.all([owner, viewer, stranger].map((u) => createAccessKey(u.id, { name: 'k', readOnly: true, datasetId: null, expiresAt: null })));
    const keyIds = [...keys.map((k) => k.accessKeyId), 'TRVAAAAAAAAAAAAAAAAA'];
    // Malformed paths among them must not fail the others' shared statement (a NUL byte is not valid text in PostgreSQL).
    const paths = ['a.txt', 'dir/b.txt', 'c.txt', 'nothing.txt', '../a.txt', 'dir', 'a\u0000.txt', 'lone \ud800 surrogate'];

    const asks: { name: string; ask: () => Promise<unknown> }[] = [];
    for (const ds of [mine.id, other.id]) {
      for (const path of paths) {
        sessions.forEach(({ sid, userId }, n) => asks.push({ name: `session ${n} ${ds.slice(0, 4)} ${path}`, ask: () => lookupSessionDownload(sid, userId, ds, { file: path }) }));
        // A session id with another user's id is not that user's session.
        asks.push({ name: `session 0 as viewer ${ds.slice(0, 4)} ${path}`, ask: () => lookupSessionDownload(sessions[0].sid, viewer.id, ds, { file: path }) });
        keyIds.forEach((id, n) => asks.push({ name: `key ${n} ${ds.slice(0, 4)} ${path}`, ask: () => lookupKeyDownload(id, ds, path) }));
      }
    }

    const alone: Record<string, string> = {};
    for (const { name, ask } of asks) alone[name] = await outcome(ask);
    // The answers alone are the rules: spot-check a few so the comparison below compares something.
    expect(alone[`session 1 ${mine.id.slice(0, 4)} dir/b.txt`]).toBe('dir/b.txt:2');
    expect(alone[`session 2 ${mine.id.slice(0, 4)} a.txt`]).toBe('NOT_FOUND Dataset not found.');
    expect(alone[`session 3 ${mine.id.slice(0, 4)} a.txt`]).toBe('null');
    expect(alone[`key 2 ${other.id.slice(0, 4)} c.txt`]).toMatch(/reachable=true c.txt:3$/);
    expect(alone[`key 1 ${other.id.slice(0, 4)} c.txt`]).toMatch(/reachable=false NOT_FOUND Dataset not found.$/);
    expect(alone[`key 3 ${mine.id.slice(0, 4)} a.txt`]).toBe('null');

    // All at once, in a shuffled order, twice over.
    for (let round = 0; round < 2; round++) {
      const order = asks.map((a, i) => ({ a, k: Math.sin(i * 7919 + round) })).sort((x, y) => x.k - y.k).map((x) => x.a);
      const together = await Promise.all(order.map(async ({ name, ask }) => [name, await outcome(ask)] as const));
      expect(Object.fromEntries(together)).toEqual(alone);
    }
  });
});
