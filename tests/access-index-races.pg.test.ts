import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { grantAccess, makeDataset, makeUser } from '@/lib/testing/factories';

// The access index under concurrent transactions (real PostgreSQL: two connections). Each case holds
// one transaction open across another's change to the same user × dataset pair; without the triggers'
// locks the later transaction would write a row computed from a snapshot missing the earlier change.
const url = process.env.DATABASE_URL;
if (!url) throw new Error('tests/access-index-races.pg.test.ts needs DATABASE_URL (PostgreSQL)');

describe('access index under concurrent changes (PostgreSQL)', () => {
  let a: postgres.Sql;
  let b: postgres.Sql;
  beforeAll(async () => {
    await getDb(); // migrated
    a = postgres(url!, { max: 1, onnotice: () => {} });
    b = postgres(url!, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await a?.end({ timeout: 1 });
    await b?.end({ timeout: 1 });
  });

  const row = async (userId: string, datasetId: string) =>
    (await a`select rank, direct, via_team, updated_at, name from dataset_access where user_id = ${userId} and dataset_id = ${datasetId}`)[0];

  it('a direct grant and a team membership committed concurrently both count', async () => {
    const owner = await makeUser('Owner');
    const u = await makeUser('Racer');
    const ds = await makeDataset(owner.id);
    const [team] = await a`insert into teams (name) values (${`race ${crypto.randomUUID().slice(0, 6)}`}) returning id`;
    await a`insert into dataset_grants (dataset_id, team_id, role) values (${ds.id}, ${team.id}, 'manager')`;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = a.begin(async (tx) => {
      await tx`insert into dataset_grants (dataset_id, user_id, role) values (${ds.id}, ${u.id}, 'viewer')`;
      await held; // the second transaction runs its trigger meanwhile
    });
    await new Promise((r) => setTimeout(r, 100));
    const second = b.begin(async (tx) => {
      await tx`insert into team_members (team_id, user_id, role) values (${team.id}, ${u.id}, 'member')`;
    });
    await new Promise((r) => setTimeout(r, 200));
    release();
    await Promise.all([first, second]);
    expect(await row(u.id, ds.id)).toMatchObject({ rank: 3, direct: true, via_team: true });
  });

  it('a grant made while the dataset is being updated copies the committed sort keys', async () => {
    const owner = await makeUser('Owner');
    const u = await makeUser('Sorter');
    const ds = await makeDataset(owner.id);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const touch = a.begin(async (tx) => {
      await tx`update datasets set name = 'renamed in a race', updated_at = now() + interval '1 hour' where id = ${ds.id}`;
      await held;
    });
    await new Promise((r) => setTimeout(r, 100));
    const grant = grantAccess(ds.id, u.id, 'editor');
    await new Promise((r) => setTimeout(r, 200));
    release();
    await Promise.all([touch, grant]);
    const [d] = await a`select name, updated_at from datasets where id = ${ds.id}`;
    expect(await row(u.id, ds.id)).toMatchObject({ rank: 2, name: d.name, updated_at: d.updated_at });
    expect(d.name).toBe('renamed in a race');
  });

  it('a member removed while their team is granted a dataset ends with no row', async () => {
    const owner = await makeUser('Owner');
    const u = await makeUser('Leaver');
    const ds = await makeDataset(owner.id);
    const [team] = await a`insert into teams (name) values (${`race ${crypto.randomUUID().slice(0, 6)}`}) returning id`;
    await a`insert into team_members (team_id, user_id, role) values (${team.id}, ${u.id}, 'member')`;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const grant = a.begin(async (tx) => {
      await tx`insert into dataset_grants (dataset_id, team_id, role) values (${ds.id}, ${team.id}, 'viewer')`;
      await held;
    });
    await new Promise((r) => setTimeout(r, 100));
    const leave = b`delete from team_members where team_id = ${team.id} and user_id = ${u.id}`;
    await new Promise((r) => setTimeout(r, 200));
    release();
    await Promise.all([grant, leave]);
    expect(await row(u.id, ds.id)).toBeUndefined();
  });
});
