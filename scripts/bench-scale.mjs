// `npm run bench:scale`: Trove at organisation scale (issue 15). Not a test: a benchmark that prints
// ratios against goals. Seeds a big organisation (10,000 users, 100,001 datasets, ~1,000,000 direct
// grants, 500 teams of 20, 50,000 team grants) and a small one into throw-away PostgreSQL databases,
// starts the production build (`npm run build` first) on each, logs in as a heavy user (top 1%) and a
// typical one (the median), then runs `wrk` at 32 connections against /account (the floor), the
// inventory, the details page and a 100 KB download, alternating targets round by round. Prints the
// SQL statements each request makes and one line per goal.
//
// Environment: BENCH_ADMIN_URL (a PostgreSQL URL whose role may create databases; default the local
// trove_ci), BENCH_DB (database name prefix, default trove_bench_scale; `<prefix>` and `<prefix>_small`
// are dropped and recreated), BENCH_PORT (default 3170; uses PORT, PORT+1 and PORT+2), BENCH_SECONDS
// per wrk run (default 8), BENCH_ROUNDS (default 3), BENCH_KEEP=1 keeps the databases, BENCH_ONLY
// (comma-separated target names, e.g. "download,small download") runs only those targets and goals.
// Run it under `flock /tmp/trove-bench.lock npm run bench:scale` on a shared machine.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hash } from '@node-rs/argon2';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { startApp } from './lib/app-harness.mjs';

const ADMIN_URL = process.env.BENCH_ADMIN_URL || 'postgres://trove_ci:trove_ci@127.0.0.1:5432/postgres';
const PREFIX = process.env.BENCH_DB || 'trove_bench_scale';
const PORT = Number(process.env.BENCH_PORT || 3170);
const SECONDS = Number(process.env.BENCH_SECONDS || 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3);
// BENCH_ONLY=download (comma-separated target names, e.g. "download,small download"): run only those.
const ONLY = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',').map((s) => s.trim()) : null;
const CONNECTIONS = 32;
const PASSWORD = 'bench scale password';
const WRK = ['/usr/bin/wrk', 'wrk'].find((p) => p === 'wrk' || fs.existsSync(p));

const BIG = { name: PREFIX, users: 10_000, datasets: 100_001, heavyUsers: 100, heavyGrants: 4_740, midTop: 180, midBottom: 24, teams: 500, teamGrants: 100 };
const SMALL = { name: `${PREFIX}_small`, users: 200, datasets: 2_001, heavyUsers: 2, heavyGrants: 300, midTop: 60, midBottom: 10, teams: 10, teamGrants: 20 };

const urlFor = (db) => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${db}`;
  return u.toString();
};
const log = (...a) => console.log(...a);

// ——— Seeding ———

async function seed(org, passwordHash) {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${org.name} with (force)`);
  await admin.unsafe(`create database ${org.name}`);
  await admin.end();
  const sql = postgres(urlFor(org.name), { max: 1, onnotice: () => {} });
  const t0 = Date.now();
  await migrate(drizzle(sql), { migrationsFolder: 'db/migrations' });
  const N = org.datasets;
  const U = org.users;
  // Triggers that maintain derived data (the access index) are switched off for the bulk load and
  // the derived data rebuilt in one pass afterwards, as a migration would.
  const [{ idx }] = await sql`select to_regclass('dataset_access') is not null as idx`;
  await sql.begin(async (tx) => {
    if (idx) for (const t of ['datasets', 'dataset_grants', 'team_members']) await tx.unsafe(`alter table ${t} disable trigger user`);
    // Users 1..U: user n is `user<n>@bench.test`, all verified, one password hash for all.
    await tx`insert into users (id, email, name, password_hash, email_verified_at)
      select ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, 'user' || n || '@bench.test', 'User ' || n, ${passwordHash}, now()
      from generate_series(1, ${U}::int) n`;
    // Datasets 0..N-1, owned round-robin (~10 each), updated over the last year.
    await tx.unsafe(`insert into datasets (id, owner_id, name, description, created_at, updated_at)
      select ('00000000-0000-4000-9000-' || lpad(to_hex(i), 12, '0'))::uuid,
        ('00000000-0000-4000-8000-' || lpad(to_hex(1 + i % ${U}), 12, '0'))::uuid,
        (array['climate','genome','images','sensor','survey','traffic','audio','corpus'])[1 + i % 8] || '-' || i,
        'Bench dataset ' || i, now() - interval '400 days', now() - (((i * 7919) % 525600) * interval '1 minute')
      from generate_series(0, ${N - 1}) i`);
    // Direct grants: user rank r (1 = busiest). Ranks 1..heavyUsers get heavyGrants each (the top 1%);
    // the rest fall linearly from midTop (rank heavyUsers+1) to midBottom (the median) and to 0 (the last).
    // A user's grants walk the datasets with a stride coprime to N, so they never repeat.
    await tx.unsafe(`insert into dataset_grants (dataset_id, user_id, role, expires_at)
      select ('00000000-0000-4000-9000-' || lpad(to_hex((u.n * 7919 + j * 7) % ${N}), 12, '0'))::uuid,
        ('00000000-0000-4000-8000-' || lpad(to_hex(u.n), 12, '0'))::uuid,
        (array['viewer','editor','manager'])[1 + (u.n + j) % 3]::dataset_role,
        case when (u.n + j) % 50 = 0 then now() + interval '30 days' when (u.n + j) % 97 = 0 then now() - interval '1 day' end
      from (select n, case
              when n <= ${org.heavyUsers} then ${org.heavyGrants}
              when n <= ${U / 2} then ${org.midTop} - ((${org.midTop} - ${org.midBottom}) * (n - ${org.heavyUsers}) / (${U / 2} - ${org.heavyUsers}))
              else ${org.midBottom} * (${U} - n) / ${U / 2} end as k
            from generate_series(1, ${U}) n) u
      cross join lateral generate_series(1, u.k) j
      on conflict do nothing`);
    // Teams of 20: user n is in team 1 + (n-1) % teams … so every user is in exactly one team when U = 20 × teams.
    await tx.unsafe(`insert into teams (id, name, created_by)
      select ('00000000-0000-4000-a000-' || lpad(to_hex(t), 12, '0'))::uuid, 'Team ' || t, ('00000000-0000-4000-8000-' || lpad(to_hex(t), 12, '0'))::uuid
      from generate_series(1, ${org.teams}) t`);
    await tx.unsafe(`insert into team_members (team_id, user_id, role)
      select ('00000000-0000-4000-a000-' || lpad(to_hex(1 + (n - 1) % ${org.teams}), 12, '0'))::uuid,
        ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, case when n <= ${org.teams} then 'owner' else 'member' end::team_role
      from generate_series(1, least(${U}, ${org.teams * 20})) n`);
    await tx.unsafe(`insert into dataset_grants (dataset_id, team_id, role)
      select ('00000000-0000-4000-9000-' || lpad(to_hex((t * 104729 + j * 13) % ${N}), 12, '0'))::uuid,
        ('00000000-0000-4000-a000-' || lpad(to_hex(t), 12, '0'))::uuid, (array['viewer','editor'])[1 + j % 2]::dataset_role
      from generate_series(1, ${org.teams}) t cross join generate_series(1, ${org.teamGrants}) j
      on conflict do nothing`);
    if (idx) {
      // Rebuild with the table's indexes and constraints set aside and re-created afterwards: one sort
      // per index instead of a million insertions into each.
      const cons = await tx`select conname, pg_get_constraintdef(oid) def, contype from pg_constraint where conrelid = 'dataset_access'::regclass order by contype = 'p' desc`;
      const idxs = await tx`select indexname, indexdef from pg_indexes where tablename = 'dataset_access' and indexname not in (select conname from pg_constraint where conrelid = 'dataset_access'::regclass)`;
      for (const c of cons) await tx.unsafe(`alter table dataset_access drop constraint "${c.conname}"`);
      for (const i of idxs) await tx.unsafe(`drop index "${i.indexname}"`);
      await tx`set local maintenance_work_mem = '256MB'`;
      await tx`set local work_mem = '256MB'`;
      const tr = Date.now();
      await tx`select dataset_access_rebuild()`;
      await tx`select dataset_stats_rebuild()`; // the datasets' rows (their trigger was off too)
      log(`  (access index: ${((Date.now() - tr) / 1000).toFixed(1)} s to fill, `);
      for (const c of cons) await tx.unsafe(`alter table dataset_access add constraint "${c.conname}" ${c.def}`);
      for (const i of idxs) await tx.unsafe(i.indexdef);
      log(`   ${((Date.now() - tr) / 1000).toFixed(1)} s with its indexes; the seed so far ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      for (const t of ['datasets', 'dataset_grants', 'team_members']) await tx.unsafe(`alter table ${t} enable trigger user`);
    }
  });
  await sql`vacuum analyze`;
  const [counts] = await sql`select (select count(*) from users)::int users, (select count(*) from datasets)::int datasets,
    (select count(*) from dataset_grants where user_id is not null)::int direct, (select count(*) from dataset_grants where team_id is not null)::int team,
    (select count(*) from teams)::int teams, (select count(*) from team_members)::int members`;
  const seconds = (Date.now() - t0) / 1000;
  await sql.end();
  return { ...counts, seconds };
}

// What a user can reach by the live rules (owner, active direct grants, active team grants).
async function reachOf(org, n) {
  const sql = postgres(urlFor(org.name), { max: 1, onnotice: () => {} });
  const uid = `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  const [{ c }] = await sql`select count(*)::int c from (
    select id from datasets where owner_id = ${uid}
    union select dataset_id from dataset_grants where user_id = ${uid} and (expires_at is null or expires_at > now())
    union select g.dataset_id from team_members m join dataset_grants g on g.team_id = m.team_id where m.user_id = ${uid} and (g.expires_at is null or g.expires_at > now())) s`;
  await sql.end();
  return c;
}

// ——— The app ———

async function login(base, email) {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = await csrf.json();
  const cookies = csrf.headers.getSetCookie().map((c) => c.split(';')[0]);
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookies.join('; '), Origin: base },
    body: new URLSearchParams({ email, password: PASSWORD, csrfToken, callbackUrl: `${base}/datasets` }),
  });
  const session = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.includes('session-token='));
  if (!session) throw new Error(`could not log in as ${email} (${res.status})`);
  return session;
}

// The details page's dataset: owned by the heavy user, 50 people, 20 invitations, 200 files, and the
// 100 KB file the download runs fetch. Files go through the upload route (the real write path).
async function prepareDetails(org, base, cookie) {
  const sql = postgres(urlFor(org.name), { max: 1, onnotice: () => {} });
  const owner = '00000000-0000-4000-8000-000000000001';
  const [{ id }] = await sql`insert into datasets (owner_id, name, description) values (${owner}, 'details-bench', 'The details page benchmark') returning id`;
  await sql`insert into dataset_grants (dataset_id, user_id, role)
    select ${id}, ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, (array['viewer','editor','manager'])[1 + n % 3]::dataset_role
    from generate_series(2, 51) n on conflict do nothing`;
  await sql`insert into invitations (dataset_id, email, role, token_hash, invited_by, expires_at)
    select ${id}, 'invitee' || n || '@elsewhere.test', 'viewer', md5(${id}::text || n), ${owner}, now() + interval '3 days' from generate_series(1, 20) n`;
  await sql.end();
  const put = async (name, body) => {
    const res = await fetch(`${base}/api/datasets/${id}/files/${name}`, { method: 'PUT', headers: { Cookie: cookie, Origin: base, 'Content-Type': 'application/octet-stream' }, body });
    if (!res.ok) throw new Error(`upload ${name}: ${res.status} ${await res.text()}`);
  };
  const queue = Array.from({ length: 200 }, (_, i) => `data/part-${String(i).padStart(3, '0')}.csv`);
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let f = queue.shift(); f; f = queue.shift()) await put(f, `a,b\n${f},1\n`);
  }));
  await put('blob-100k.bin', Buffer.alloc(100 * 1024, 7));
  return { datasetId: id, download: `/api/datasets/${id}/files/blob-100k.bin` };
}

async function countSql(app, pathname, cookie) {
  const before = app.output.length;
  const res = await fetch(`${app.base}${pathname}`, { redirect: 'manual', headers: { Cookie: cookie, 'x-trove-count-sql': '1' } });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${pathname}: ${res.status} (not logged in?)`);
  for (let i = 0; i < 40; i++) {
    const line = app.output.slice(before).join('').split('\n').find((l) => l.startsWith('[sql-count]'));
    if (line) return Number(line.trim().split(' ').pop());
    await new Promise((r) => setTimeout(r, 50));
  }
  return NaN;
}

// ——— Load ———

function wrk(url, cookie, seconds = SECONDS) {
  const args = ['-t2', `-c${CONNECTIONS}`, `-d${seconds}s`, '--timeout', '10s', '--latency', ...(cookie ? ['-H', `Cookie: ${cookie}`] : []), url];
  const r = spawnSync(WRK, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr || r.stdout}`);
  const out = r.stdout;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p50 = toMs(/50%\s+([\d.]+\w+)/.exec(out)?.[1]);
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1];
  const socketErrors = /Socket errors: (.*)/.exec(out)?.[1];
  if (errors || /[1-9]/.test(socketErrors ?? '')) console.warn(`  ! ${url}: ${errors ?? 0} non-2xx, socket errors: ${socketErrors ?? 'none'}`);
  return { rps, p50 };
}
function toMs(s) {
  if (!s) return NaN;
  const m = /([\d.]+)(us|ms|s)/.exec(s);
  return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
}

function nginx(port, dir) {
  fs.mkdirSync(path.join(dir, 'www'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'www', 'blob-100k.bin'), Buffer.alloc(100 * 1024, 7));
  fs.writeFileSync(path.join(dir, 'nginx.conf'), `worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log; daemon off;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path ${dir}/tmp; proxy_temp_path ${dir}/tmp; fastcgi_temp_path ${dir}/tmp; uwsgi_temp_path ${dir}/tmp; scgi_temp_path ${dir}/tmp;
  server { listen 127.0.0.1:${port}; root ${dir}/www; } }`);
  fs.mkdirSync(path.join(dir, 'tmp'), { recursive: true });
  const bin = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p));
  if (!bin) return null;
  const child = spawn(bin, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], { stdio: 'ignore' });
  return child;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs, d = 2) => `${median(xs).toFixed(d)} [${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)}]`;

// ——— Main ———

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trove-bench-scale-'));
fs.chmodSync(tmp, 0o755); // nginx's workers may run as another user
const apps = [];
let web = null;
try {
  log(`bench:scale on ${os.cpus().length} cores; ${CONNECTIONS} connections, ${SECONDS} s a run, ${ROUNDS} rounds`);
  const passwordHash = await hash(PASSWORD);
  const seeded = {};
  for (const org of [BIG, SMALL]) {
    const s = await seed(org, passwordHash);
    seeded[org.name] = s;
    log(`seeded ${org.name}: ${s.users} users, ${s.datasets} datasets, ${s.direct} direct grants, ${s.teams} teams (${s.members} memberships), ${s.team} team grants in ${s.seconds.toFixed(1)} s`);
  }
  const typicalRank = BIG.users / 2;
  const reach = { heavy: await reachOf(BIG, 1), typical: await reachOf(BIG, typicalRank), smallHeavy: await reachOf(SMALL, 1) };
  log(`the heavy user (user1) reaches ${reach.heavy} datasets, the typical one (user${typicalRank}) ${reach.typical}; on the small org user1 reaches ${reach.smallHeavy}`);

  const start = async (org, port) => {
    const dataDir = path.join(tmp, org.name);
    fs.mkdirSync(dataDir, { recursive: true });
    const app = await startApp({ port, env: { DATABASE_URL: urlFor(org.name), DATA_DIR: dataDir, TROVE_COUNT_SQL: '1', EMAIL_WORKER_INTERVAL_MS: '60000', APP_URL: `http://127.0.0.1:${port}` } });
    apps.push(app);
    return app;
  };
  const big = await start(BIG, PORT);
  const small = await start(SMALL, PORT + 2);
  const heavy = await login(big.base, 'user1@bench.test');
  const typical = await login(big.base, `user${typicalRank}@bench.test`);
  const smallHeavy = await login(small.base, 'user1@bench.test');
  const bigDetails = await prepareDetails(BIG, big.base, heavy);
  const smallDetails = await prepareDetails(SMALL, small.base, smallHeavy);

  const allTargets = {
    // The floor: /account of the typical user. The heavy user's is shown for information: it must not
    // grow with reach (the access-key form fetches its dataset choices only when opened).
    account: [big, '/account', typical],
    'account heavy': [big, '/account', heavy],
    'inventory heavy': [big, '/datasets', heavy],
    'inventory heavy, shared': [big, '/datasets?filter=shared', heavy],
    'inventory heavy, owned': [big, '/datasets?filter=owned', heavy],
    'inventory heavy, ?q=genome': [big, '/datasets?q=genome', heavy],
    'inventory heavy, ?q=rare': [big, '/datasets?q=genome-4242', heavy],
    'inventory typical': [big, '/datasets', typical],
    details: [big, `/datasets/${bigDetails.datasetId}`, heavy],
    download: [big, bigDetails.download, heavy],
    'small inventory heavy': [small, '/datasets', smallHeavy],
    'small details': [small, `/datasets/${smallDetails.datasetId}`, smallHeavy],
    'small download': [small, smallDetails.download, smallHeavy],
  };
  const targets = Object.fromEntries(Object.entries(allTargets).filter(([name]) => !ONLY || ONLY.includes(name)));

  log('\nSQL statements per request (big org, heavy user):');
  for (const name of ['account', 'account heavy', 'inventory heavy', 'inventory heavy, ?q=genome', 'details', 'download'].filter((n) => targets[n])) {
    const [app, p, cookie] = targets[name];
    await countSql(app, p, cookie); // the first call may prepare or refresh things
    log(`  ${name.padEnd(28)} ${String(await countSql(app, p, cookie)).padStart(3)}   ${p}`);
  }

  const nginxPort = PORT + 1;
  web = nginx(nginxPort, path.join(tmp, 'nginx'));
  if (web) await new Promise((r) => setTimeout(r, 500));

  // Warm up every target once (JIT, prepared statements, caches), then alternate.
  for (const [app, p, cookie] of Object.values(targets)) wrk(`${app.base}${p}`, cookie, 2);
  const results = Object.fromEntries([...Object.keys(targets), 'nginx'].map((k) => [k, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, [app, p, cookie]] of Object.entries(targets)) results[name].push(wrk(`${app.base}${p}`, cookie));
    if (web) results.nginx.push(wrk(`http://127.0.0.1:${nginxPort}/blob-100k.bin`));
    log(`round ${round}: ` + Object.entries(results).filter(([, r]) => r.length).map(([k, r]) => `${k} ${r.at(-1).rps.toFixed(0)}/s`).join(', '));
  }

  const both = (a, b) => (results[a]?.length && results[b]?.length ? results[a] : []);
  const ratio = (a, b) => both(a, b).map((r, i) => r.rps / results[b][i].rps);
  const slower = (a, b) => both(a, b).map((r, i) => r.p50 / results[b][i].p50);
  log('\nrequest                         requests/s           p50 ms');
  for (const [name, rs] of Object.entries(results)) {
    if (rs.length) log(`  ${name.padEnd(30)} ${fmt(rs.map((r) => r.rps), 0).padEnd(20)} ${fmt(rs.map((r) => r.p50), 1)}`);
  }
  const line = (id, what, xs, goal, ok) => xs.length && log(`${id.padEnd(8)} ${what.padEnd(46)} ${fmt(xs).padEnd(20)} goal ${goal.padEnd(8)} ${xs.length ? (ok(median(xs)) ? 'met' : 'NOT MET') : ''}`);
  const atLeast = (g) => (x) => x >= g;
  const atMost = (g) => (x) => x <= g;
  log('\ngoal     what (ratio, median [min–max] of alternated runs)');
  line('P1', '/datasets heavy ÷ /account', ratio('inventory heavy', 'account'), '≥ 0.6', atLeast(0.6));
  line('P1', '/datasets?filter=shared heavy ÷ /account', ratio('inventory heavy, shared', 'account'), '≥ 0.6', atLeast(0.6));
  line('P1', '/datasets?filter=owned heavy ÷ /account', ratio('inventory heavy, owned', 'account'), '≥ 0.6', atLeast(0.6));
  line('P1', '/datasets?q=genome heavy ÷ /account', ratio('inventory heavy, ?q=genome', 'account'), '≥ 0.6', atLeast(0.6));
  line('P1', '/datasets?q=genome-4242 heavy ÷ /account', ratio('inventory heavy, ?q=rare', 'account'), '≥ 0.6', atLeast(0.6));
  line('P1', '/datasets typical ÷ /account', ratio('inventory typical', 'account'), '≥ 0.6', atLeast(0.6));
  line('P1', 'heavy ÷ typical /datasets p50 (reach-independent)', slower('inventory heavy', 'inventory typical'), '≤ 1.3', atMost(1.3));
  line('P2', 'inventory p50, big org ÷ small org', slower('inventory heavy', 'small inventory heavy'), '≤ 1.3', atMost(1.3));
  line('P2', 'details page p50, big ÷ small', slower('details', 'small details'), '≤ 1.3', atMost(1.3));
  line('P2', 'role check (download) p50, big ÷ small', slower('download', 'small download'), '≤ 1.3', atMost(1.3));
  line('details', '/datasets/<id> ÷ /account', ratio('details', 'account'), '≥ 0.5', atLeast(0.5));
  if (web) line('P6', '100 KB download ÷ nginx', ratio('download', 'nginx'), '≥ 0.1', atLeast(0.1));
  else log('P6       nginx not found: no baseline');
  if (results.account?.length && results['account heavy']?.length) {
    log(`info     /account of the heavy user ÷ the floor: ${fmt(ratio('account heavy', 'account'))} (it reaches ${reach.heavy} datasets; the key form fetches them only when opened)`);
    log(`per-req  /account ${fmt(results.account.map((r) => 1000 / r.rps), 1)} ms a request at saturation (1 ÷ requests/s; 2 cores shared with the load generator and PostgreSQL)`);
  }
} finally {
  for (const app of apps) await app.stop();
  if (web) web.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
  if (!process.env.BENCH_KEEP) {
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    for (const org of [BIG, SMALL]) await admin.unsafe(`drop database if exists ${org.name} with (force)`).catch(() => {});
    await admin.end();
  }
}
