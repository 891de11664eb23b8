import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb, type Tx } from '@/db/client';
import { datasetAccess, datasetGrants, datasets, teamMembers, teams, users } from '@/db/schema';
import { accessibleDatasets, indexedAccess, inventoryPage, refreshAccessIndex } from '@/lib/access';
import { listDatasetsForUser } from '@/lib/datasets';
import { teamRoleSources } from '@/lib/sharing';
import { grantAccess, makeDataset, makeUser } from '@/lib/testing/factories';

// The access index (dataset_access) is derived data lib/access.ts owns; the live rules
// (accessibleDatasets) are the authority. These tests drive random histories of grants, team
// memberships, team grants, expiries, ownership transfers, renames and deletions straight at the
// tables — as any code path would — and compare the index with the rules after every step.

/** Small seeded PRNG (mulberry32), so a failing history can be replayed from its seed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Db = Awaited<ReturnType<typeof getDb>> | Tx;

async function live(db: Db, userId: string) {
  const rows = await accessibleDatasets(db, userId);
  return rows.map((r) => `${r.id}:${r.role}:${r.direct}`).sort();
}

async function indexed(db: Db, userId: string) {
  await refreshAccessIndex(db, userId);
  const rows = await indexedAccess(db, userId);
  return rows.map((r) => `${r.datasetId}:${r.role}:${r.direct}`).sort();
}

const rowsOf = (r: Record<string, unknown>[]) => r.map((x) => JSON.stringify([x.user_id, x.dataset_id, Number(x.rank), x.direct, x.via_team, x.owned, x.name, new Date(String(x.updated_at)).getTime(), x.valid_until ? new Date(String(x.valid_until)).getTime() : null])).sort();
const resultRows = (r: unknown) => ((r as { rows?: Record<string, unknown>[] }).rows ?? (r as Record<string, unknown>[]));

/**
 * The index rows of these users that differ from the live view (dataset_access_live, what
 * dataset_access_rebuild() writes): role, direct, owned, the sort keys (name, updated_at) and
 * valid_until, once rows past their expiry are recomputed.
 */
async function differsFromView(db: Db, userIds: string[]) {
  return db.transaction(async (tx) => {
    for (const id of userIds) await refreshAccessIndex(tx, id);
    const ids = sql.join(userIds.map((id) => sql`${id}::uuid`), sql`, `);
    const table = rowsOf(resultRows(await tx.execute(sql`select * from dataset_access where user_id in (${ids})`)));
    const view = rowsOf(resultRows(await tx.execute(sql`select * from dataset_access_live where user_id in (${ids})`)));
    return [...table.filter((r) => !view.includes(r)).map((r) => `extra ${r}`), ...view.filter((r) => !table.includes(r)).map((r) => `missing ${r}`)];
  });
}

const ROLES = ['viewer', 'editor', 'manager'] as const;

async function runHistory(seed: number, steps: number) {
  const db = await getDb();
  const r = rng(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const people = await Promise.all(['A', 'B', 'C', 'D', 'E'].map((n) => makeUser(`Prop${n}`)));
  const userIds = people.map((p) => p.id);
  const dsIds: string[] = [];
  for (let i = 0; i < 4; i++) dsIds.push((await makeDataset(pick(userIds))).id);
  const teamIds: string[] = [];
  for (let i = 0; i < 2; i++) {
    const [t] = await db.insert(teams).values({ name: `prop team ${seed}-${i}-${crypto.randomUUID().slice(0, 6)}` }).returning({ id: teams.id });
    teamIds.push(t.id);
  }
  const expiry = () => {
    const x = r();
    if (x < 0.55) return null;
    if (x < 0.7) return new Date(Date.now() - 60_000); // already expired
    if (x < 0.85) return new Date(Date.now() + 86_400_000); // expires later
    return new Date(Date.now() + 150 + Math.floor(r() * 250)); // expires during the history, with no write
  };
  const log: string[] = [];
  for (let step = 0; step < steps; step++) {
    const x = r();
    const d = pick(dsIds);
    const u = pick(userIds);
    const t = pick(teamIds);
    let op: string;
    if (x < 0.2) {
      op = `grant user ${u.slice(0, 4)} on ${d.slice(0, 4)}`;
      const existing = await db.select({ id: datasetGrants.id }).from(datasetGrants).where(and(eq(datasetGrants.datasetId, d), eq(datasetGrants.userId, u)));
      if (existing.length) await db.update(datasetGrants).set({ role: pick(ROLES), expiresAt: expiry() }).where(eq(datasetGrants.id, existing[0].id));
      else await db.insert(datasetGrants).values({ datasetId: d, userId: u, role: pick(ROLES), expiresAt: expiry() });
    } else if (x < 0.3) {
      op = `revoke user ${u.slice(0, 4)} on ${d.slice(0, 4)}`;
      await db.delete(datasetGrants).where(and(eq(datasetGrants.datasetId, d), eq(datasetGrants.userId, u)));
    } else if (x < 0.45) {
      op = `grant team ${t.slice(0, 4)} on ${d.slice(0, 4)}`;
      const existing = await db.select({ id: datasetGrants.id }).from(datasetGrants).where(and(eq(datasetGrants.datasetId, d), eq(datasetGrants.teamId, t)));
      if (existing.length) await db.update(datasetGrants).set({ role: pick(ROLES), expiresAt: expiry() }).where(eq(datasetGrants.id, existing[0].id));
      else await db.insert(datasetGrants).values({ datasetId: d, teamId: t, role: pick(ROLES), expiresAt: expiry() });
    } else if (x < 0.52) {
      op = `revoke team ${t.slice(0, 4)} on ${d.slice(0, 4)}`;
      await db.delete(datasetGrants).where(and(eq(datasetGrants.datasetId, d), eq(datasetGrants.teamId, t)));
    } else if (x < 0.64) {
      op = `join ${u.slice(0, 4)} to ${t.slice(0, 4)}`;
      await db.insert(teamMembers).values({ teamId: t, userId: u, role: pick(['member', 'admin'] as const) }).onConflictDoNothing();
    } else if (x < 0.72) {
      op = `remove ${u.slice(0, 4)} from ${t.slice(0, 4)}`;
      await db.delete(teamMembers).where(and(eq(teamMembers.teamId, t), eq(teamMembers.userId, u)));
    } else if (x < 0.76) {
      op = `move ${u.slice(0, 4)} to the other team`;
      const other = teamIds.find((id) => id !== t)!;
      await db
        .update(teamMembers)
        .set({ teamId: other })
        .where(and(eq(teamMembers.teamId, t), eq(teamMembers.userId, u)))
        .catch(() => {}); // already in both
    } else if (x < 0.82) {
      op = `transfer ${d.slice(0, 4)} to ${u.slice(0, 4)}`;
      await db.update(datasets).set({ ownerId: u, name: `moved-${crypto.randomUUID().slice(0, 8)}` }).where(eq(datasets.id, d));
    } else if (x < 0.88) {
      op = `touch ${d.slice(0, 4)}`;
      await db.update(datasets).set({ updatedAt: sql`now()`, name: `renamed-${crypto.randomUUID().slice(0, 8)}` }).where(eq(datasets.id, d));
    } else if (x < 0.91) {
      op = `lock ${d.slice(0, 4)} (no key change)`;
      await db.update(datasets).set({ readOnly: r() < 0.5 }).where(eq(datasets.id, d));
    } else if (x < 0.94) {
      op = `delete ${d.slice(0, 4)}`;
      await db.delete(datasets).where(eq(datasets.id, d));
      dsIds.splice(dsIds.indexOf(d), 1);
      dsIds.push((await makeDataset(pick(userIds))).id);
    } else if (x < 0.96) {
      op = `delete team ${t.slice(0, 4)}, make another`;
      await db.delete(teams).where(eq(teams.id, t));
      const [n] = await db.insert(teams).values({ name: `prop team ${seed}-${step}-${crypto.randomUUID().slice(0, 6)}` }).returning({ id: teams.id });
      teamIds.splice(teamIds.indexOf(t), 1, n.id);
    } else {
      op = 'wait for short expiries';
      await new Promise((res) => setTimeout(res, 400));
    }
    log.push(op);
    for (const id of userIds) {
      // One transaction: both sides see the same now(), so a short expiry cannot fall between them.
      const [want, got] = await db.transaction(async (tx) => [await live(tx, id), await indexed(tx, id)]);
      expect(got, `seed ${seed}, user ${id.slice(0, 4)} after: ${log.join(' → ')}`).toEqual(want);
      // The inventory's one statement: its rows, their "Shared via <team>" and its total agree with
      // the rules and with teamRoleSources (the dataset header's answer).
      // Again in one transaction with the live rules: a short expiry may pass after the check above.
      const [rules, page, sources] = await db.transaction(async (tx) => {
        await refreshAccessIndex(tx, id);
        const rows = await inventoryPage(tx, id, { filter: 'all', q: '', limit: 100 });
        return [await live(tx, id), rows, await teamRoleSources(id, rows.filter((row) => row.role !== 'owner').map((row) => row.id), tx)] as const;
      });
      const where = `seed ${seed}, user ${id.slice(0, 4)} (inventory) after: ${log.join(' → ')}`;
      expect(page.map((row) => `${row.id}:${row.role}:${row.direct}`).sort(), where).toEqual(rules);
      expect(Object.fromEntries(page.flatMap((row) => (row.viaTeam ? [[row.id, row.viaTeam]] : []))), where).toEqual(Object.fromEntries(sources));
      for (const row of page) expect(row.matching, where).toBe(page.length);
    }
    expect(await differsFromView(db, userIds), `seed ${seed} (rows vs the live view) after: ${log.join(' → ')}`).toEqual([]);
  }
  // Deleting a user takes their rows with them.
  await db.delete(users).where(eq(users.id, userIds[0]));
  expect(await db.select().from(datasetAccess).where(eq(datasetAccess.userId, userIds[0]))).toEqual([]);
}


// Opening a fresh PGlite (migrations included) can take longer than one test's budget on a busy machine.
beforeAll(async () => {
  await getDb();
});

describe('access index', () => {
  it('equals the live rules after every step of random grant, team, expiry, ownership and deletion histories', async () => {
    const seeds = [1, 2, 3, 4, 5, 6].map((i) => (Number(process.env.ACCESS_INDEX_SEED) || 1000) + i);
    for (const seed of seeds) await runHistory(seed, 30);
  }, 240_000);

  it('never outlives an expiring grant: past its expiry a row is not trusted, and the next read recomputes it', async () => {
    const db = await getDb();
    const owner = await makeUser('Owner');
    const member = await makeUser('Member');
    const ds = await makeDataset(owner.id);
    await grantAccess(ds.id, member.id, 'manager', new Date(Date.now() + 300));
    const [team] = await db.insert(teams).values({ name: `expiry team ${crypto.randomUUID().slice(0, 6)}` }).returning({ id: teams.id });
    await db.insert(teamMembers).values({ teamId: team.id, userId: member.id, role: 'member' });
    await db.insert(datasetGrants).values({ datasetId: ds.id, teamId: team.id, role: 'viewer' });
    expect((await listDatasetsForUser(member.id, { filter: 'all', q: '' })).items.map((i) => [i.id, i.role, i.viaTeamOnly])).toEqual([[ds.id, 'manager', false]]);
    await new Promise((res) => setTimeout(res, 450));
    // No write happened: without a refresh the stale row is simply not trusted…
    expect(await indexedAccess(db, member.id)).toEqual([]);
    // …and the inventory recomputes it: the team's viewer grant remains.
    expect((await listDatasetsForUser(member.id, { filter: 'all', q: '' })).items.map((i) => [i.id, i.role, i.viaTeamOnly])).toEqual([[ds.id, 'viewer', true]]);
  });

  it('the inventory follows grants made by any code path on the next call, filters and searches in the index, and bounds nothing small', async () => {
    const db = await getDb();
    const owner = await makeUser('Owner');
    const reader = await makeUser('Reader');
    const mine = await makeDataset(reader.id, 'Reader own climate');
    const theirs = await makeDataset(owner.id, 'Shared CLIMATE 100%');
    expect((await listDatasetsForUser(reader.id, { filter: 'all', q: '' })).items.map((i) => i.id)).toEqual([mine.id]);
    await grantAccess(theirs.id, reader.id, 'editor');
    const all = await listDatasetsForUser(reader.id, { filter: 'all', q: '' });
    expect(all.items.map((i) => i.id)).toEqual([theirs.id, mine.id]);
    expect(all).toMatchObject({ total: 2, bounded: false, next: null, previous: null });
    expect((await listDatasetsForUser(reader.id, { filter: 'shared', q: '' })).items.map((i) => i.id)).toEqual([theirs.id]);
    expect((await listDatasetsForUser(reader.id, { filter: 'owned', q: 'CLIM' })).items.map((i) => i.id)).toEqual([mine.id]);
    expect((await listDatasetsForUser(reader.id, { filter: 'all', q: '100%' })).items.map((i) => i.id)).toEqual([theirs.id]);
    expect((await listDatasetsForUser(reader.id, { filter: 'all', q: '_' })).items).toEqual([]);
    // A file write bumps updated_at: the dataset moves to the top of everyone's inventory.
    await db.update(datasets).set({ updatedAt: sql`now() + interval '1 second'` }).where(eq(datasets.id, mine.id));
    expect((await listDatasetsForUser(reader.id, { filter: 'all', q: '' })).items.map((i) => i.id)).toEqual([mine.id, theirs.id]);
    await db.delete(datasetGrants).where(eq(datasetGrants.datasetId, theirs.id));
    expect((await listDatasetsForUser(reader.id, { filter: 'all', q: '' })).items.map((i) => i.id)).toEqual([mine.id]);
    // A malformed cursor is ignored (the first page).
    expect((await listDatasetsForUser(reader.id, { filter: 'all', q: '', after: 'nonsense' })).items.map((i) => i.id)).toEqual([mine.id]);
  });

  it('names the team a shared role comes from: the team granting the highest role, a direct grant of that role winning', async () => {
    const db = await getDb();
    const owner = await makeUser('Owner');
    const member = await makeUser('Member');
    const ds = await makeDataset(owner.id);
    const tag = crypto.randomUUID().slice(0, 6);
    const [alpha, beta] = await db.insert(teams).values([{ name: `alpha ${tag}` }, { name: `beta ${tag}` }]).returning({ id: teams.id });
    await db.insert(teamMembers).values([alpha, beta].map((t) => ({ teamId: t.id, userId: member.id, role: 'member' as const })));
    const badge = async () => {
      const [item] = (await listDatasetsForUser(member.id, { filter: 'all', q: '' })).items;
      return [item.role, item.viaTeam, item.viaTeamOnly];
    };
    await db.insert(datasetGrants).values({ datasetId: ds.id, teamId: alpha.id, role: 'viewer' });
    expect(await badge()).toEqual(['viewer', `alpha ${tag}`, true]);
    await db.insert(datasetGrants).values({ datasetId: ds.id, teamId: beta.id, role: 'editor' });
    expect(await badge()).toEqual(['editor', `beta ${tag}`, true]); // the higher role, not the first name
    await grantAccess(ds.id, member.id, 'viewer');
    expect(await badge()).toEqual(['editor', `beta ${tag}`, false]); // a lower direct grant: still the team's role
    await db.update(datasetGrants).set({ role: 'editor' }).where(and(eq(datasetGrants.datasetId, ds.id), eq(datasetGrants.userId, member.id)));
    expect(await badge()).toEqual(['editor', null, false]); // the same role directly: no team to name
    await db.update(datasetGrants).set({ role: 'editor' }).where(eq(datasetGrants.teamId, alpha.id));
    await db.delete(datasetGrants).where(and(eq(datasetGrants.datasetId, ds.id), eq(datasetGrants.userId, member.id)));
    expect(await badge()).toEqual(['editor', `alpha ${tag}`, true]); // two teams at the same role: the first by name
  });

  it('holds what dataset_access_rebuild() would write (the live view) after changes through lib/ paths', async () => {
    const db = await getDb();
    const owner = await makeUser('Owner');
    const a = await makeUser('A');
    const b = await makeUser('B');
    const ds = await makeDataset(owner.id);
    const other = await makeDataset(a.id);
    const [team] = await db.insert(teams).values({ name: `view team ${crypto.randomUUID().slice(0, 6)}` }).returning({ id: teams.id });
    await db.insert(teamMembers).values([{ teamId: team.id, userId: a.id, role: 'owner' }, { teamId: team.id, userId: b.id, role: 'member' }]);
    await db.insert(datasetGrants).values({ datasetId: ds.id, teamId: team.id, role: 'editor', expiresAt: new Date(Date.now() + 3_600_000) });
    await grantAccess(ds.id, b.id, 'viewer');
    await grantAccess(other.id, b.id, 'manager', new Date(Date.now() - 1000));
    expect(await differsFromView(db, [owner.id, a.id, b.id])).toEqual([]);
    expect((await indexedAccess(db, b.id)).map((r) => [r.datasetId, r.role, r.direct])).toEqual([[ds.id, 'editor', true]]);
  });
});
