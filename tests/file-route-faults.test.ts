/**
 * Issue 14 (6, 8, 10): the file route under storage and database faults — a missing blob, a full or
 * read-only disk, a database that went away. Identity is stubbed as in the access matrix; the rest is real.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionUser } from '@/lib/users';

vi.mock('@/lib/auth/session', async () => (await import('@/lib/testing/session-stub')).stubbedSessionModule());
import { testSession as session } from '@/lib/testing/session-stub';

import { and, eq } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { config } from '@/lib/config';
import { entries } from '@/db/schema';
import { GET, PUT } from '@/app/api/datasets/[datasetId]/files/[[...path]]/route';
import { errorResponse } from '@/lib/http/responses';
import { getBlobStore } from '@/lib/storage';
import { makeDataset, makeUser } from '@/lib/testing/factories';

afterEach(() => vi.restoreAllMocks());

async function setup() {
  const owner = await makeUser('Owner');
  session.current = owner as unknown as SessionUser;
  const ds = await makeDataset(owner.id);
  return { owner, datasetId: ds.id };
}

const url = (datasetId: string, p: string) => `http://localhost:3000/api/datasets/${datasetId}/files/${p}`;
const ctx = (datasetId: string, p: string) => ({ params: Promise.resolve({ datasetId, path: p.split('/') }) });
const put = (datasetId: string, p: string, body: string) =>
  PUT(new Request(url(datasetId, p), { method: 'PUT', body, headers: { 'content-length': String(Buffer.byteLength(body)) } }), ctx(datasetId, p));
const get = (datasetId: string, p: string) => GET(new Request(url(datasetId, p)), ctx(datasetId, p));

function errno(code: string) {
  return Object.assign(new Error(`${code}: injected`), { code });
}

describe('file route faults', () => {
  it('a file row whose blob is missing answers 404 JSON before any byte is sent, and logs dataset and path', async () => {
    const { datasetId } = await setup();
    expect((await put(datasetId, 'gone.csv', 'a,b')).status).toBe(201);
    const db = await getDb();
    const [row] = await db.select({ key: entries.storageKey }).from(entries).where(and(eq(entries.datasetId, datasetId), eq(entries.path, 'gone.csv')));
    await getBlobStore().delete(row.key!);
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await get(datasetId, 'gone.csv');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ error: 'The stored bytes of this file are missing.' });
    expect(log.mock.calls.flat().join(' ')).toContain(datasetId);
    expect(log.mock.calls.flat().join(' ')).toContain('gone.csv');
  });

  it('disk full → 507 "storage is full", the old file intact and no temp file left', async () => {
    const { datasetId } = await setup();
    expect((await put(datasetId, 'keep.txt', 'original')).status).toBe(201);
    // Writes to the files opened for new blobs fail as a full disk fails them (the store writes
    // through a stream on the descriptor: fs.write / fs.writev); every other write goes through.
    const realOpen = fs.open;
    const blobFds = new Set<number>();
    vi.spyOn(fs, 'open').mockImplementation(((...args: unknown[]) => {
      const callback = args.at(-1) as (err: Error | null, fd?: number) => void;
      (realOpen as (...a: unknown[]) => void)(...args.slice(0, -1), (err: Error | null, fd: number) => {
        if (!err && args[1] === 'wx') blobFds.add(fd);
        callback(err, fd);
      });
    }) as never);
    const diskFull = (real: (...a: never[]) => void) =>
      ((fd: number, ...rest: unknown[]) => {
        const callback = rest.at(-1) as (err: Error) => void;
        if (blobFds.has(fd)) process.nextTick(() => callback(errno('ENOSPC')));
        else (real as (...a: unknown[]) => void)(fd, ...rest);
      }) as never;
    vi.spyOn(fs, 'write').mockImplementation(diskFull(fs.write as never));
    vi.spyOn(fs, 'writev').mockImplementation(diskFull(fs.writev as never));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await put(datasetId, 'keep.txt', 'replacement that does not fit');
    expect(res.status).toBe(507);
    expect((await res.json()).error).toMatch(/storage is full/i);
    vi.mocked(fs.open).mockRestore();
    vi.mocked(fs.write).mockRestore();
    vi.mocked(fs.writev).mockRestore();
    const dl = await get(datasetId, 'keep.txt');
    expect(dl.status).toBe(200);
    expect(await dl.text()).toBe('original');
    const tmp = await fsp.readdir(path.join(config.dataDir, 'blobs', 'tmp'), { recursive: true }).catch(() => [] as string[]);
    expect(tmp.filter((n) => String(n).endsWith('.part'))).toEqual([]);
  });

  it.each(['EROFS', 'EACCES'])('read-only or unwritable storage (%s) → 503 with Retry-After, the old file intact', async (code) => {
    const { datasetId } = await setup();
    expect((await put(datasetId, 'keep.txt', 'original')).status).toBe(201);
    // Opening a new blob's file (flags 'wx') fails as a read-only or unwritable disk fails it.
    const realOpen = fs.open;
    vi.spyOn(fs, 'open').mockImplementation(((...args: unknown[]) => {
      const callback = args.at(-1) as (err: Error | null) => void;
      if (args[1] === 'wx') process.nextTick(() => callback(errno(code)));
      else (realOpen as (...a: unknown[]) => void)(...args);
    }) as never);
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await put(datasetId, 'keep.txt', 'new');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    vi.mocked(fs.open).mockRestore();
    expect(await (await get(datasetId, 'keep.txt')).text()).toBe('original');
  });

  it.each(['57P01', '57P03', 'ECONNRESET', 'ECONNREFUSED', 'CONNECT_TIMEOUT'])('a database connection error (%s) answers 503 with Retry-After', async (code) => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const wrapped = Object.assign(new Error('Failed query: select …'), { cause: errno(code) });
    const res = errorResponse(wrapped);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect((await res.json()).error).toMatch(/cannot reach its database/);
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(errorResponse(errno('42P01')).status).toBe(500);
  });
});
