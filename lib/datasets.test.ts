import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { grantAccess, makeDataset, makeUser } from '@/lib/testing/factories';
import { createDatasetSchema } from '@/lib/validation/datasets';
import { createDataset, deleteDataset, describeDataset, getDatasetDetails, listDatasetActivity, listDatasetsForUser, renameDataset, setDatasetReadOnly } from './datasets';
import { changeGrantRole, leaveDataset, removeGrant, setGrantExpiry, transferOwnership } from './grants';


// Opening a fresh PGlite (migrations included) can take longer than one test's budget on a busy machine.
beforeAll(async () => {
  await getDb();
});

describe('datasets', () => {
  it('validates names as PRODUCT §3.3 says', () => {
    expect(createDatasetSchema.safeParse({ name: 'ok name', description: '' }).success).toBe(true);
    for (const name of ['', 'a/b', '.', '..', 'x'.repeat(101), 'bad\u0000name', 'rtl\u202Ename']) {
      expect(createDatasetSchema.safeParse({ name, description: '' }).success).toBe(false);
    }
    expect(createDatasetSchema.safeParse({ name: 'ok', description: 'd'.repeat(2001) }).success).toBe(false);
  });

  it('creates, refuses a duplicate name in any case, and lists owned and shared datasets', async () => {
    const owner = await makeUser('Owner');
    const other = await makeUser('Other');
    const { id } = await createDataset(owner.id, { name: 'Images', description: 'cats' });
    await expect(createDataset(owner.id, { name: 'IMAGES', description: '' })).rejects.toMatchObject({ code: 'CONFLICT', field: 'name' });
    const theirs = await createDataset(other.id, { name: 'Images', description: '' });
    await grantAccess(theirs.id, owner.id, 'viewer');

    const all = await listDatasetsForUser(owner.id, { filter: 'all', q: '' });
    expect(all.items.map((i) => [i.id, i.role])).toEqual(expect.arrayContaining([[id, 'owner'], [theirs.id, 'viewer']]));
    const shared = await listDatasetsForUser(owner.id, { filter: 'shared', q: '' });
    expect(shared.items.map((i) => i.id)).toEqual([theirs.id]);
    expect(shared.items[0].owner.email).toBe(other.email);
    const owned = await listDatasetsForUser(owner.id, { filter: 'owned', q: 'imag' });
    expect(owned.items.map((i) => i.id)).toEqual([id]);
    expect((await listDatasetsForUser(owner.id, { filter: 'all', q: '100%_' })).items).toEqual([]);
    expect((await listDatasetsForUser(other.id, { filter: 'all', q: '' })).items.map((i) => i.id)).toEqual([theirs.id]);
  });

  it('paginates 50 a page, newest update first', async () => {
    const owner = await makeUser('Pager');
    for (let i = 0; i < 52; i++) await makeDataset(owner.id, `p${String(i).padStart(2, '0')}`);
    const p1 = await listDatasetsForUser(owner.id, { filter: 'all', q: '' });
    expect(p1.items).toHaveLength(50);
    expect(p1.total).toBe(52);
    expect(p1.previous).toBeNull();
    const times = p1.items.map((i) => i.updatedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a)); // newest update first
    const p2 = await listDatasetsForUser(owner.id, { filter: 'all', q: '', after: p1.next! });
    expect(p2.items).toHaveLength(2);
    expect(new Set([...p1.items, ...p2.items].map((i) => i.name)).size).toBe(52);
    expect(p2.next).toBeNull();
    const back = await listDatasetsForUser(owner.id, { filter: 'all', q: '', before: p2.previous! });
    expect(back.items.map((i) => i.id)).toEqual(p1.items.map((i) => i.id));
    expect(back.previous).toBeNull();
    expect(back.next).toBe(p1.next);
    // A stale link past the end: no rows to carry the total, which is still counted.
    for (const item of p2.items) await deleteDataset(owner.id, item.id, item.name);
    expect(await listDatasetsForUser(owner.id, { filter: 'all', q: '', after: p1.next! })).toMatchObject({ items: [], total: 50, bounded: false });
  });

  it('every dataset function refuses a stranger (NOT_FOUND) and a too-low role (FORBIDDEN)', async () => {
    const owner = await makeUser('Owner');
    const stranger = await makeUser('Stranger');
    const viewer = await makeUser('Viewer');
    const manager = await makeUser('Manager');
    const ds = await makeDataset(owner.id);
    const viewerGrant = await grantAccess(ds.id, viewer.id, 'viewer');
    await grantAccess(ds.id, manager.id, 'manager');
    const calls: [string, (uid: string) => Promise<unknown>][] = [
      ['details', (u) => getDatasetDetails(u, ds.id)],
      ['rename', (u) => renameDataset(u, ds.id, 'new')],
      ['describe', (u) => describeDataset(u, ds.id, 'd')],
      ['lock', (u) => setDatasetReadOnly(u, ds.id, true)],
      ['delete', (u) => deleteDataset(u, ds.id, ds.name)],
      ['activity', (u) => listDatasetActivity(u, ds.id)],
      ['role', (u) => changeGrantRole(u, ds.id, viewerGrant, 'editor')],
      ['expiry', (u) => setGrantExpiry(u, ds.id, viewerGrant, null)],
      ['remove', (u) => removeGrant(u, ds.id, viewerGrant)],
      ['transfer', (u) => transferOwnership(u, ds.id, viewerGrant)],
      ['leave', (u) => leaveDataset(u, ds.id)],
    ];
    for (const [name, call] of calls) {
      await expect(call(stranger.id), name).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    for (const name of ['rename', 'describe', 'lock', 'delete', 'activity', 'role', 'expiry', 'remove', 'transfer']) {
      await expect(calls.find((c) => c[0] === name)![1](viewer.id), name).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    for (const name of ['rename', 'lock', 'delete', 'transfer']) {
      await expect(calls.find((c) => c[0] === name)![1](manager.id), name).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    await expect(leaveDataset(owner.id, ds.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('removal, role change and expiry take effect on the next call', async () => {
    const owner = await makeUser('Owner');
    const member = await makeUser('Member');
    const ds = await makeDataset(owner.id);
    const g = await grantAccess(ds.id, member.id, 'editor');
    await changeGrantRole(owner.id, ds.id, g, 'viewer');
    expect((await getDatasetDetails(member.id, ds.id)).role).toBe('viewer');
    await expect(setGrantExpiry(owner.id, ds.id, g, new Date(Date.now() - 10))).rejects.toMatchObject({ code: 'INVALID' });
    await removeGrant(owner.id, ds.id, g);
    await expect(getDatasetDetails(member.id, ds.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const activity = await listDatasetActivity(owner.id, ds.id);
    expect(activity.map((a) => a.action).slice(0, 2)).toEqual(['grant.removed', 'grant.role_changed']);
  });

  it('transfers ownership to a member; the old owner becomes a manager', async () => {
    const owner = await makeUser('Owner');
    const heir = await makeUser('Heir');
    const ds = await makeDataset(owner.id);
    const g = await grantAccess(ds.id, heir.id, 'viewer');
    await transferOwnership(owner.id, ds.id, g);
    expect((await getDatasetDetails(heir.id, ds.id)).role).toBe('owner');
    expect((await getDatasetDetails(owner.id, ds.id)).role).toBe('manager');
  });

  it('deleting needs the exact name', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    await expect(deleteDataset(owner.id, ds.id, 'wrong')).rejects.toMatchObject({ code: 'INVALID' });
    await deleteDataset(owner.id, ds.id, ds.name);
    await expect(getDatasetDetails(owner.id, ds.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
