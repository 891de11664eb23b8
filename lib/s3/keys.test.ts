import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { accessKeys } from '@/db/schema';
import { grantAccess, makeDataset, makeUser } from '@/lib/testing/factories';
import { createAccessKey, listAccessKeys, listKeyableDatasets, resolveAccessKey, revokeAccessKey } from './keys';
import { decryptSecret, encryptSecret } from './secrets';

describe('access keys', () => {
  it('shows the secret once, stores it encrypted, and resolves it until revoked', async () => {
    const user = await makeUser('Keys');
    const ds = await makeDataset(user.id);
    const created = await createAccessKey(user.id, { name: 'laptop', readOnly: true, datasetId: ds.id, expiresAt: null });
    expect(created.accessKeyId).toMatch(/^TRV[A-Z2-7]{17}$/);
    expect(created.secretAccessKey.length).toBeGreaterThanOrEqual(40);
    const [row] = await (await getDb()).select().from(accessKeys).where(eq(accessKeys.id, created.id));
    expect(row.secretEncrypted).not.toContain(created.secretAccessKey);
    const listed = await listAccessKeys(user.id);
    expect(listed).toEqual([expect.objectContaining({ name: 'laptop', readOnly: true, datasetId: ds.id, datasetName: ds.name, lastUsedAt: null })]);
    expect(JSON.stringify(listed)).not.toContain(created.secretAccessKey);
    expect(await resolveAccessKey(created.accessKeyId)).toMatchObject({ userId: user.id, readOnly: true, datasetId: ds.id, secret: created.secretAccessKey });
    await revokeAccessKey(user.id, created.id);
    expect(await resolveAccessKey(created.accessKeyId)).toBeNull();
    await expect(revokeAccessKey(user.id, created.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a dataset the user cannot reach, a past expiry and another user revoking', async () => {
    const user = await makeUser('Keys');
    const other = await makeUser('Other');
    const theirs = await makeDataset(other.id);
    await expect(createAccessKey(user.id, { name: 'k', readOnly: false, datasetId: theirs.id, expiresAt: null })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(createAccessKey(user.id, { name: 'k', readOnly: false, datasetId: null, expiresAt: new Date(Date.now() - 1000) })).rejects.toMatchObject({ code: 'INVALID' });
    await expect(createAccessKey(user.id, { name: '  ', readOnly: false, datasetId: null, expiresAt: null })).rejects.toMatchObject({ code: 'INVALID' });
    const mine = await createAccessKey(user.id, { name: 'k', readOnly: false, datasetId: null, expiresAt: null });
    await expect(revokeAccessKey(other.id, mine.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await resolveAccessKey(mine.accessKeyId)).not.toBeNull();
  });

  it('stops resolving an expired key', async () => {
    const user = await makeUser('Keys');
    const created = await createAccessKey(user.id, { name: 'soon', readOnly: false, datasetId: null, expiresAt: new Date(Date.now() + 60_000) });
    await (await getDb()).update(accessKeys).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(accessKeys.id, created.id));
    expect(await resolveAccessKey(created.accessKeyId)).toBeNull();
    expect(await resolveAccessKey('not-a-key')).toBeNull();
  });

  it('binds the ciphertext to its key id and fails closed on tampering', () => {
    const enc = encryptSecret('s3cret', 'TRVAAAAAAAAAAAAAAAAA');
    expect(decryptSecret(enc, 'TRVAAAAAAAAAAAAAAAAA')).toBe('s3cret');
    expect(decryptSecret(enc, 'TRVBBBBBBBBBBBBBBBBB')).toBeNull();
    const parts = enc.split('.');
    parts[3] = Buffer.from('x').toString('base64url');
    expect(decryptSecret(parts.join('.'), 'TRVAAAAAAAAAAAAAAAAA')).toBeNull();
    expect(decryptSecret('garbage', 'TRVAAAAAAAAAAAAAAAAA')).toBeNull();
  });

  it('labels reachable datasets so two with one name can be told apart by their owners', async () => {
    const me = await makeUser('Me');
    const alice = await makeUser('Alice');
    const bob = await makeUser('Bob');
    const mine = await makeDataset(me.id, 'pets');
    const hers = await makeDataset(alice.id, 'pets');
    const his = await makeDataset(bob.id, 'pets');
    const solo = await makeDataset(me.id, 'solo');
    await makeDataset(alice.id, 'solo'); // not reachable: no clash
    await grantAccess(hers.id, me.id, 'viewer');
    await grantAccess(his.id, me.id, 'editor');
    const labels = Object.fromEntries((await listKeyableDatasets(me.id)).map((d) => [d.id, d.label]));
    expect(labels).toEqual({ [solo.id]: 'solo', [mine.id]: `pets (${me.email})`, [hers.id]: `pets (${alice.email})`, [his.id]: `pets (${bob.email})` });
  });
});
