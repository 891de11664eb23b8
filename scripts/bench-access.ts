// `npm run bench:access`: how long the effective-role query and the inventory take when the database
// holds many datasets, grants and teams. Seeds a throw-away database (a temp PGlite directory, or
// DATABASE_URL if set — use an empty database), then prints timings and the query plan. Not a test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { desc, eq, sql } from 'drizzle-orm';

const DATASETS = Number(process.env.BENCH_DATASETS || 20_000);
const USERS = Number(process.env.BENCH_USERS || 2_000);
const GRANTS = Number(process.env.BENCH_GRANTS || 100_000);
const TEAMS = Number(process.env.BENCH_TEAMS || 500);
if (!process.env.DATABASE_URL) process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-bench-access-'));

const { getDb, closeDb } = await import('../db/client');
const { accessibleDatasets, getDatasetAccess } = await import('../lib/access');
const { datasets } = await import('../db/schema');
const { listDatasetsForUser } = await import('../lib/datasets');

const db = await getDb();
const rows = (r: unknown) => ((r as { rows?: unknown[] }).rows ?? (r as unknown[])) as Record<string, unknown>[];
const t0 = Date.now();
await db.execute(sql`insert into users (email, name, password_hash) select 'bench' || i || '@example.test', 'Bench ' || i, 'x' from generate_series(1, ${USERS}) i`);
await db.execute(sql`insert into teams (name) select 'bench team ' || i from generate_series(1, ${TEAMS}) i`);
await db.execute(sql`insert into team_members (team_id, user_id, role)
  select t.id, u.id, 'member' from (select id, row_number() over () n from teams) t
  join (select id, row_number() over () n from users) u on u.n % ${TEAMS} = t.n % ${TEAMS}`);
await db.execute(sql`insert into datasets (owner_id, name) select u.id, 'ds ' || i
  from generate_series(1, ${DATASETS}) i join (select id, row_number() over () n from users) u on u.n = 1 + i % ${USERS}`);
await db.execute(sql`insert into dataset_grants (dataset_id, user_id, role, expires_at)
  select d.id, u.id, (array['viewer','editor','manager'])[1 + g % 3]::dataset_role, case when g % 10 = 0 then now() - interval '1 day' end
  from generate_series(1, ${GRANTS}) g
  join (select id, row_number() over () n from datasets) d on d.n = 1 + (g::bigint * 7919) % ${DATASETS}
  join (select id, row_number() over () n from users) u on u.n = 1 + (g / ${Math.max(1, Math.floor(GRANTS / USERS))}) % ${USERS}
  on conflict do nothing`);
await db.execute(sql`insert into dataset_grants (dataset_id, team_id, role)
  select d.id, t.id, 'viewer' from (select id, row_number() over () n from datasets) d
  join (select id, row_number() over () n from teams) t on t.n = 1 + d.n % ${TEAMS} where d.n % 4 = 0 on conflict do nothing`);
await db.execute(sql`analyze`);
const [counts] = rows(await db.execute(sql`select (select count(*) from dataset_grants where user_id is not null) as direct, (select count(*) from dataset_grants where team_id is not null) as team`));
console.log(`seeded ${USERS} users, ${TEAMS} teams, ${DATASETS} datasets, ${counts.direct} direct + ${counts.team} team grants in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

// The busiest member: the most direct grants.
const [someone] = rows(await db.execute(sql`select user_id as id from dataset_grants where user_id is not null group by user_id order by count(*) desc limit 1`));
const userId = String(someone.id);
const visible = await accessibleDatasets(db, userId).limit(1000);
const sample = visible.slice(0, 200).map((d) => d.id);

const time = async (label: string, n: number, fn: (i: number) => Promise<unknown>) => {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await fn(i);
    ms.push(performance.now() - s);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label.padEnd(40)} p50 ${ms[Math.floor(n / 2)].toFixed(2)} ms   p95 ${ms[Math.floor(n * 0.95)].toFixed(2)} ms   (${n} runs)`);
};
console.log(`the busiest user can see ${visible.length}${visible.length === 1000 ? '+' : ''} datasets`);
await time('effective role of one dataset', sample.length, (i) => getDatasetAccess(db, userId, sample[i]));
await time('inventory page 1 (50 rows, counts, stats)', 20, () => listDatasetsForUser(userId, { filter: 'all', q: '' }));
await time('inventory search "ds 1"', 20, () => listDatasetsForUser(userId, { filter: 'all', q: 'ds 1' }));

async function explain(label: string, q: { sql: string; params: unknown[] }) {
  const inlined = q.sql.replace(/\$(\d+)/g, (_, n) => `'${String(q.params[Number(n) - 1]).replace(/'/g, "''")}'`);
  const plan = rows(await db.execute(sql.raw(`explain ${inlined}`)));
  console.log(`\nplan of ${label}:\n` + plan.map((r) => `  ${Object.values(r)[0]}`).join('\n'));
}
await explain('the effective-role query', accessibleDatasets(db, userId, eq(datasets.id, sample[0])).limit(1).toSQL());
if (process.env.BENCH_EXPLAIN_ALL) await explain('the inventory query', accessibleDatasets(db, userId).orderBy(desc(datasets.updatedAt)).limit(50).toSQL());
await closeDb();
