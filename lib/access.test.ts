import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { datasetGrants, teamMembers, teams } from '@/db/schema';
import { grantAccess, makeDataset, makeUser } from '@/lib/testing/factories';
import { authorizeDataset, can, getDatasetAccess, PERMISSIONS } from './access';

describe('role table', () => {
  it('matches PRODUCT §2', () => {
    expect(can('viewer', 'dataset.view')).toBe(true);
    expect(can('viewer', 'people.view')).toBe(true);
    expect(can('viewer', 'files.write')).toBe(false);
    expect(can('editor', 'files.write')).toBe(true);
    expect(can('editor', 'files.manage')).toBe(false);
    expect(can('manager', 'files.manage')).toBe(true);
    expect(can('manager', 'dataset.describe')).toBe(true);
    expect(can('manager', 'access.manage')).toBe(true);
    expect(can('manager', 'dataset.admin')).toBe(false);
    expect(can('owner', 'dataset.admin')).toBe(true);
    expect(can(null, 'dataset.view')).toBe(false);
    expect(Object.keys(PERMISSIONS)).toHaveLength(7);
  });
});

describe('effective role', () => {
  it('is owner for the owner, the direct grant for a member, nothing for a stranger or a malformed id', async () => {
    const db = await getDb();
    const owner = await makeUser('Owner');
    const member = await makeUser('Member');
    const stranger = await makeUser('Stranger');
    const ds = await makeDataset(owner.id);
    await grantAccess(ds.id, member.id, 'editor');
    expect((await getDatasetAccess(db, owner.id, ds.id)).role).toBe('owner');
    expect((await getDatasetAccess(db, member.id, ds.id)).role).toBe('editor');
    await expect(getDatasetAccess(db, stranger.id, ds.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(getDatasetAccess(db, owner.id, 'not-a-uuid')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(getDatasetAccess(db, owner.id, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('ignores an expired grant, and honours one that expires later', async () => {
    const db = await getDb();
    const owner = await makeUser('Owner');
    const a = await makeUser('Expired');
    const b = await makeUser('Later');
    const ds = await makeDataset(owner.id);
    await grantAccess(ds.id, a.id, 'manager', new Date(Date.now() - 1000));
    await grantAccess(ds.id, b.id, 'viewer', new Date(Date.now() + 3_600_000));
    await expect(getDatasetAccess(db, a.id, ds.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await getDatasetAccess(db, b.id, ds.id)).role).toBe('viewer');
  });

  it('is the highest of the direct grant and the grants of every team, and follows removals at once', async () => {
    const db = await getDb();
    const owner = await makeUser('Owner');
    const u = await makeUser('Multi');
    const ds = await makeDataset(owner.id);
    const [t1] = await db.insert(teams).values({ name: `t1-${u.id}` }).returning();
    const [t2] = await db.insert(teams).values({ name: `t2-${u.id}` }).returning();
    await db.insert(teamMembers).values([{ teamId: t1.id, userId: u.id, role: 'member' }, { teamId: t2.id, userId: u.id, role: 'member' }]);
    await grantAccess(ds.id, u.id, 'viewer');
    await db.insert(datasetGrants).values({ datasetId: ds.id, teamId: t1.id, role: 'editor' });
    await db.insert(datasetGrants).values({ datasetId: ds.id, teamId: t2.id, role: 'manager', expiresAt: new Date(Date.now() - 1) });
    expect((await getDatasetAccess(db, u.id, ds.id)).role).toBe('editor');
    await db.update(datasetGrants).set({ expiresAt: null }).where(eq(datasetGrants.teamId, t2.id));
    expect((await getDatasetAccess(db, u.id, ds.id)).role).toBe('manager');
    await db.delete(teamMembers).where(eq(teamMembers.teamId, t2.id));
    expect((await getDatasetAccess(db, u.id, ds.id)).role).toBe('editor');
    await db.delete(datasetGrants).where(eq(datasetGrants.teamId, t1.id));
    const access = await getDatasetAccess(db, u.id, ds.id);
    expect(access.role).toBe('viewer');
    expect(access.directGrant).toBe(true);
  });

  it('refuses too-low roles with FORBIDDEN and file writes on a locked dataset with LOCKED', async () => {
    const db = await getDb();
    const owner = await makeUser('Owner');
    const viewer = await makeUser('Viewer');
    const ds = await makeDataset(owner.id);
    await grantAccess(ds.id, viewer.id, 'viewer');
    await expect(authorizeDataset(db, viewer.id, ds.id, 'files.write')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await authorizeDataset(db, owner.id, ds.id, 'files.write');
    const { datasets } = await import('@/db/schema');
    await db.update(datasets).set({ readOnly: true }).where(eq(datasets.id, ds.id));
    await expect(authorizeDataset(db, owner.id, ds.id, 'files.write')).rejects.toMatchObject({ code: 'LOCKED' });
    await authorizeDataset(db, owner.id, ds.id, 'dataset.admin');
  });
});
