import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { accessRequests, emailOutbox } from '@/db/schema';
import { getDatasetAccess } from '@/lib/access';
import { withFakeResend } from '@/lib/email/test-helpers';
import { grantAccess, makeDataset, makeUser } from '@/lib/testing/factories';
import { ACCESS_REQUESTS_PER_HOUR, decideAccessRequest, listAccessRequests, requestAccess } from './sharing-requests';

// Opening a fresh PGlite (migrations included) can take longer than one test's budget on a busy machine.
beforeAll(async () => {
  await getDb();
});

withFakeResend();

async function outboxTo(email: string) {
  const db = await getDb();
  return db.select({ payload: emailOutbox.payload }).from(emailOutbox).where(eq(emailOutbox.to, email));
}

describe('request access', () => {
  it('answers alike for a missing dataset and a real one; only the real one’s owner and managers hear of it, once', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const mgr = await makeUser('Manager');
    await grantAccess(ds.id, mgr.id, 'manager');
    const viewer = await makeUser('Viewer');
    await grantAccess(ds.id, viewer.id, 'viewer');
    const asker = await makeUser('Asker');
    await expect(requestAccess(asker, crypto.randomUUID(), 'please')).resolves.toBeUndefined();
    await expect(requestAccess(asker, 'not-even-an-id', '')).resolves.toBeUndefined();
    await expect(requestAccess(asker, ds.id, 'for the benchmark')).resolves.toBeUndefined();
    await expect(requestAccess(asker, ds.id, 'again')).resolves.toBeUndefined();
    const db = await getDb();
    const rows = await db.select().from(accessRequests).where(eq(accessRequests.userId, asker.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ datasetId: ds.id, message: 'for the benchmark', status: 'pending' });
    expect(await outboxTo(owner.email)).toHaveLength(1);
    expect(await outboxTo(mgr.email)).toHaveLength(1);
    expect(await outboxTo(viewer.email)).toHaveLength(0);
    const [mail] = await outboxTo(owner.email);
    expect(JSON.stringify(mail.payload)).toContain('for the benchmark');
    expect((await listAccessRequests(db, ds.id)).map((r) => r.email)).toEqual([asker.email]);
  });

  it('is rate-limited per user, whichever ids are named', async () => {
    const asker = await makeUser('Eager');
    for (let i = 0; i < ACCESS_REQUESTS_PER_HOUR; i++) await requestAccess(asker, crypto.randomUUID(), '');
    await expect(requestAccess(asker, crypto.randomUUID(), '')).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('approving grants the chosen role through the usual grant path and tells the requester; denying grants nothing', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const a = await makeUser('Approved');
    const b = await makeUser('Denied');
    await requestAccess(a, ds.id, '');
    await requestAccess(b, ds.id, '');
    const db = await getDb();
    const [ra, rb] = await listAccessRequests(db, ds.id);
    await decideAccessRequest(owner, ds.id, ra.id, 'approve', 'editor');
    await decideAccessRequest(owner, ds.id, rb.id, 'deny');
    expect((await getDatasetAccess(db, a.id, ds.id)).role).toBe('editor');
    await expect(getDatasetAccess(db, b.id, ds.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(JSON.stringify((await outboxTo(a.email))[0].payload)).toContain(`/datasets/${ds.id}`);
    expect(JSON.stringify((await outboxTo(b.email))[0].payload)).toContain('declined');
    await expect(decideAccessRequest(owner, ds.id, ra.id, 'deny')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await listAccessRequests(db, ds.id)).toEqual([]);
  });

  it('attack: a viewer cannot decide; another dataset’s request id names nothing', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const viewer = await makeUser('Viewer');
    await grantAccess(ds.id, viewer.id, 'viewer');
    const asker = await makeUser('Asker');
    await requestAccess(asker, ds.id, '');
    const db = await getDb();
    const [req] = await listAccessRequests(db, ds.id);
    await expect(decideAccessRequest(viewer, ds.id, req.id, 'approve', 'viewer')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const other = await makeDataset(owner.id);
    await expect(decideAccessRequest(owner, other.id, req.id, 'approve', 'viewer')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const stranger = await makeUser('Stranger');
    await expect(decideAccessRequest(stranger, ds.id, req.id, 'approve', 'viewer')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const [still] = await db.select().from(accessRequests).where(and(eq(accessRequests.id, req.id)));
    expect(still.status).toBe('pending');
  });
});
