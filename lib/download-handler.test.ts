import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import { encode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/db/client';
import { datasetGrants, entries, fileVersions, teamMembers, teams } from '@/db/schema';
import { createSession, endSession, SESSION_MAX_AGE_S } from '@/lib/auth/sessions';
import { noteDatabaseAvailable, noteDatabaseUnavailable } from '@/lib/db-availability';
import { uploadFile } from '@/lib/files';
import { getBlobStore } from '@/lib/storage';
import { grantAccess, makeDataset, makeUser } from '@/lib/testing/factories';
import { serveDownload } from './download-handler';

// The download fast path (lib/download-handler.ts) over real HTTP, as scripts/start.mjs runs it ahead
// of Next: what it leaves (false) is answered 418 here, standing in for Next's route.

let base: string;
let server: http.Server;
beforeAll(async () => {
  await getDb();
  server = http.createServer((req, res) => {
    serveDownload(req, res).then((served) => {
      if (!served) res.writeHead(418).end('left to Next');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const SALT = 'authjs.session-token';
async function login(userId: string, maxAge = SESSION_MAX_AGE_S): Promise<{ cookie: string; sid: string }> {
  const sid = await createSession(userId, 'test');
  const token = await encode({ token: { sub: userId, sid }, secret: process.env.AUTH_SECRET!, salt: SALT, maxAge });
  return { cookie: `${SALT}=${token}`, sid };
}

const get = (path: string, cookie?: string, headers: Record<string, string> = {}, method = 'GET') =>
  fetch(`${base}${path}`, { method, headers: { ...(cookie ? { cookie } : {}), ...headers } });

const content = 'a,b\n1,2\n'.repeat(1000);
async function datasetWithFile() {
  const owner = await makeUser('Owner');
  const ds = await makeDataset(owner.id);
  await uploadFile(owner.id, ds.id, 'data/t é.csv', Readable.from([Buffer.from(content)]), { contentLength: content.length, contentType: 'text/csv' });
  return { owner, ds, url: `/api/datasets/${ds.id}/files/data/t%20%C3%A9.csv` };
}

describe('download fast path (lib/download-handler.ts)', () => {
  it('serves a viewer the file with the route headers, Content-Length and ranges', async () => {
    const { ds, url } = await datasetWithFile();
    const viewer = await makeUser('Viewer');
    await grantAccess(ds.id, viewer.id, 'viewer');
    const { cookie } = await login(viewer.id);
    const res = await get(url, cookie);
    const text = await res.text();
    expect([res.status, text.slice(0, 100)]).toEqual([200, content.slice(0, 100)]);
    expect(text).toBe(content);
    expect(res.headers.get('content-length')).toBe(String(content.length));
    expect(res.headers.get('content-type')).toBe('text/csv');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="t e.csv"; filename*=UTF-8''t%20%C3%A9.csv`);
    expect(res.headers.get('content-security-policy')).toBe('sandbox');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(res.headers.get('cache-control')).toBe('private, no-store, no-transform');
    expect(res.headers.get('set-cookie')).toBeNull(); // a fresh cookie is not re-issued
    const etag = res.headers.get('etag')!;

    const part = await get(url, cookie, { range: 'bytes=4-11' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 4-11/${content.length}`);
    expect(part.headers.get('content-length')).toBe('8');
    expect(await part.text()).toBe(content.slice(4, 12));
    // If-Range with another version's tag: the whole file.
    expect((await get(url, cookie, { range: 'bytes=4-11', 'if-range': '"other"' })).status).toBe(200);
    expect((await get(url, cookie, { range: 'bytes=4-11', 'if-range': etag })).status).toBe(206);
    const unsatisfiable = await get(url, cookie, { range: `bytes=${content.length + 5}-` });
    expect(unsatisfiable.status).toBe(416);
    expect(unsatisfiable.headers.get('content-range')).toBe(`bytes */${content.length}`);

    const head = await get(url, cookie, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(content.length));
  });

  it('answers strangers, missing files and bad ids 404 and the logged-out 401, as the route does', async () => {
    const { owner: ownerUser, ds, url } = await datasetWithFile();
    const stranger = await makeUser('Stranger');
    const { cookie } = await login(stranger.id);
    const res = await get(url, cookie);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'Dataset not found.' });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect((await get(url)).status).toBe(401);
    expect(await (await get(url, `${SALT}=forged`)).json()).toEqual({ error: 'Log in to download files.' });

    const owner = await login(ownerUser.id);
    const missing = await get(`/api/datasets/${ds.id}/files/nope.csv`, owner.cookie);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'File not found.' });
    expect((await get(`/api/datasets/${ds.id}/files/data`, owner.cookie)).status).toBe(404); // a folder
    // What the fast path leaves to the route handlers.
    expect((await get(`/api/datasets/not-a-uuid/files/x`, owner.cookie)).status).toBe(418);
    expect((await get(url, owner.cookie, {}, 'PUT')).status).toBe(418);
  });

  it('refuses a revoked grant, a team left and an ended session on the very next request', async () => {
    const { owner: ownerUser, ds, url } = await datasetWithFile();
    const viewer = await makeUser('Viewer');
    const grantId = await grantAccess(ds.id, viewer.id, 'viewer');
    const { cookie, sid } = await login(viewer.id);
    expect((await get(url, cookie)).status).toBe(200);
    const db = await getDb();
    await db.delete(datasetGrants).where(eq(datasetGrants.id, grantId));
    expect((await get(url, cookie)).status).toBe(404);

    // Through a team: in, then out.
    const [team] = await db.insert(teams).values({ name: `t-${sid.slice(0, 8)}` }).returning({ id: teams.id });
    await db.insert(teamMembers).values({ teamId: team.id, userId: viewer.id, role: 'member' });
    await db.insert(datasetGrants).values({ datasetId: ds.id, teamId: team.id, role: 'viewer' });
    expect((await get(url, cookie)).status).toBe(200);
    await db.delete(teamMembers).where(and(eq(teamMembers.teamId, team.id), eq(teamMembers.userId, viewer.id)));
    expect((await get(url, cookie)).status).toBe(404);

    const owner = await login(ownerUser.id);
    expect((await get(url, owner.cookie)).status).toBe(200);
    await endSession(owner.sid); // log out
    expect((await get(url, owner.cookie)).status).toBe(401);
  });

  it('answers 404 with a message when the stored bytes are missing, and re-issues an old cookie', async () => {
    const { owner, ds, url } = await datasetWithFile();
    const db = await getDb();
    const [row] = await db.select({ key: entries.storageKey }).from(entries).where(and(eq(entries.datasetId, ds.id), eq(entries.path, 'data/t é.csv')));
    await getBlobStore().delete(row.key!);
    // A cookie with less than half its lifetime left: re-issued on the answer, as the route does.
    const { cookie } = await login(owner.id, SESSION_MAX_AGE_S / 4);
    for (const method of ['GET', 'HEAD']) {
      const res = await get(url, cookie, {}, method);
      expect(res.status).toBe(404);
      if (method === 'GET') expect(await res.json()).toEqual({ error: 'The stored bytes of this file are missing.' });
      expect(res.headers.get('set-cookie')).toMatch(/^authjs\.session-token=[^;]+; Path=\/; Expires=[^;]+; Max-Age=2592000; HttpOnly; SameSite=lax$/);
    }
  });

  it('serves an earlier version to viewers only', async () => {
    const { owner, ds } = await datasetWithFile();
    await uploadFile(owner.id, ds.id, 'data/t é.csv', Readable.from([Buffer.from('new')]), { contentLength: 3 });
    const db = await getDb();
    const [version] = await db.select({ id: fileVersions.id }).from(fileVersions).where(eq(fileVersions.datasetId, ds.id));
    const url = `/api/datasets/${ds.id}/versions/${version.id}`;
    const { cookie } = await login(owner.id);
    const res = await get(url, cookie);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(content);
    expect(res.headers.get('content-length')).toBe(String(content.length));
    const stranger = await login((await makeUser('Stranger')).id);
    expect((await get(url, stranger.cookie)).status).toBe(404);
    expect(await (await get(`/api/datasets/${ds.id}/versions/${crypto.randomUUID()}`, cookie)).json()).toEqual({ error: 'That version no longer exists.' });
  });

  it('answers 503 with Retry-After while the database is unreachable', async () => {
    const { owner, url } = await datasetWithFile();
    const { cookie } = await login(owner.id);
    noteDatabaseUnavailable(); // as proxy.ts does right after a connection failure
    try {
      const res = await get(url, cookie);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect((await res.json()).error).toMatch(/cannot reach its database/);
    } finally {
      noteDatabaseAvailable();
    }
    // A connection that fails during the lookup itself.
    const g = globalThis as unknown as { __troveDb?: Promise<unknown> };
    const db = g.__troveDb;
    const refused = Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    refused.catch(() => {});
    g.__troveDb = refused;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const res = await get(url, cookie);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
    } finally {
      g.__troveDb = db;
      warn.mockRestore();
    }
    expect((await get(url, cookie)).status).toBe(200);
  });
});
