import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { getDatasetAccess } from '@/lib/access';
import { grantAccess, makeDataset, makeUser } from '@/lib/testing/factories';
import { transferOwnership } from './grants';

describe('transferring ownership (issue 9, finding 6)', () => {
  it('attack: the owner cannot hand the dataset to a user whose grant has expired', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const lapsed = await makeUser('Lapsed');
    const grantId = await grantAccess(ds.id, lapsed.id, 'viewer', new Date(Date.now() - 60_000));
    await expect(transferOwnership(owner.id, ds.id, grantId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const db = await getDb();
    expect((await getDatasetAccess(db, owner.id, ds.id)).role).toBe('owner');
    await expect(getDatasetAccess(db, lapsed.id, ds.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('works for a user with active access, who becomes the owner; the previous owner becomes a manager', async () => {
    const owner = await makeUser('Owner');
    const ds = await makeDataset(owner.id);
    const heir = await makeUser('Heir');
    const grantId = await grantAccess(ds.id, heir.id, 'viewer', new Date(Date.now() + 86_400_000));
    await transferOwnership(owner.id, ds.id, grantId);
    const db = await getDb();
    expect((await getDatasetAccess(db, heir.id, ds.id)).role).toBe('owner');
    expect((await getDatasetAccess(db, owner.id, ds.id)).role).toBe('manager');
  });
});
