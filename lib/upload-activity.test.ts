import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { activityEvents } from '@/db/schema';
import { describeDatasetActivity } from '@/components/datasets/describe-activity';
import { listActivityFor } from '@/lib/activity';
import { uploadFile } from '@/lib/files';
import { makeDataset, makeUser } from '@/lib/testing/factories';

const put = (userId: string, dsId: string, path: string, batch?: string) => uploadFile(userId, dsId, path, Readable.from([Buffer.from('abc')]), { batch });

describe('upload activity', () => {
  it('a batch of files uploaded together (in parallel) is one event: "uploaded 20 files to imgs/"', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const batch = crypto.randomUUID();
    await Promise.all(Array.from({ length: 20 }, (_, i) => put(owner.id, ds.id, `imgs/${i % 2 ? 'cats' : 'dogs'}/${i}.png`, batch)));
    const db = await getDb();
    const events = await db.select({ action: activityEvents.action, detail: activityEvents.detail }).from(activityEvents).where(eq(activityEvents.datasetId, ds.id));
    const uploads = events.filter((e) => e.action.includes('upload'));
    expect(uploads).toHaveLength(1);
    expect(uploads[0].detail).toMatchObject({ batch, files: 20, bytes: 60, folder: 'imgs' });
    const [latest] = await listActivityFor(db, { datasetId: ds.id }, 1);
    expect(describeDatasetActivity(latest)).toBe('uploaded 20 files to imgs/');
  });

  it('lone files, replacements and made-up batch ids each get their own line', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    await put(owner.id, ds.id, 'a.txt');
    await put(owner.id, ds.id, 'a.txt', crypto.randomUUID());
    await put(owner.id, ds.id, 'b.txt', 'not-a-uuid');
    const db = await getDb();
    const lines = (await listActivityFor(db, { datasetId: ds.id })).map(describeDatasetActivity);
    expect(lines).toEqual(expect.arrayContaining(['uploaded a.txt', 'replaced a.txt', 'uploaded b.txt']));
  });
});
