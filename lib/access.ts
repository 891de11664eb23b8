import 'server-only';
import { and, asc, desc, eq, getTableColumns, gt, isNull, notExists, or, sql, type Placeholder, type SQL } from 'drizzle-orm';
import { alias, PgTransaction, unionAll, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { cache } from 'react';
import type { Db, Tx } from '@/db/client';
import { datasetAccess, datasetGrants, datasetStats, datasets, teamMembers, teams, users } from '@/db/schema';
import { AppError } from '@/lib/errors';

/** THE place that decides what a user may do to a dataset. Every lib/ function asks it. */

export const DATASET_ROLES = ['viewer', 'editor', 'manager', 'owner'] as const;
export type DatasetRole = (typeof DATASET_ROLES)[number];
export type GrantRole = Exclude<DatasetRole, 'owner'>;
export const GRANT_ROLES: readonly GrantRole[] = ['viewer', 'editor', 'manager'];

/** PRODUCT.md §2: the lowest role allowed each operation. */
export const PERMISSIONS = {
  'dataset.view': 'viewer', // inventory, details page, list and download files
  'people.view': 'viewer', // see people and teams with access
  'files.write': 'editor', // upload (new or overwrite), create folders
  'files.manage': 'manager', // delete, rename, move
  'dataset.describe': 'manager', // edit the description
  'access.manage': 'manager', // invite, share, change roles, remove access, invitations, activity log
  'dataset.admin': 'owner', // rename, delete, transfer ownership, lock read-only
} as const satisfies Record<string, DatasetRole>;
export type Permission = keyof typeof PERMISSIONS;

/** Operations on files that a read-only lock refuses, whatever the role. */
const LOCKABLE: ReadonlySet<Permission> = new Set(['files.write', 'files.manage']);

export function roleRank(role: DatasetRole | null | undefined): number {
  return role ? DATASET_ROLES.indexOf(role) + 1 : 0;
}

/** Whether a role may do an operation (pure; the UI uses it to hide what the server would refuse). */
export function can(role: DatasetRole | null | undefined, permission: Permission): boolean {
  return roleRank(role) >= roleRank(PERMISSIONS[permission]);
}

/** Leaving drops one's own grant: every role but the owner's (who transfers ownership instead). */
export function mayLeaveDataset(role: DatasetRole | null | undefined): boolean {
  return !!role && role !== 'owner';
}

/** The roles an actor may hand out: a manager up to manager, the owner likewise (ownership is transferred, not granted). */
export function grantableRoles(role: DatasetRole | null | undefined): GrantRole[] {
  return can(role, 'access.manage') ? [...GRANT_ROLES] : [];
}

type Conn = Db | Tx;

// A grant's rank (1–3) and whether it is in force, for dataset_grants or an alias of it.
type GrantColumns = { role: AnyPgColumn; expiresAt: AnyPgColumn };
const grantRankOf = (g: GrantColumns) => sql<number>`case ${g.role} when 'viewer' then 1 when 'editor' then 2 else 3 end`;
const inForce = (g: GrantColumns) => or(isNull(g.expiresAt), gt(g.expiresAt, sql`now()`));
const grantRank = grantRankOf(datasetGrants);
const activeGrant = inForce(datasetGrants);

/**
 * Datasets the user can access with their effective role — max(owner, direct grant, team grants),
 * expired grants ignored — in one query. Each source of access is its own index lookup (datasets by
 * owner, grants by user, memberships by user then grants by team), so the cost follows what the user
 * can reach, not how many datasets and grants exist. `onlyDatasetId` narrows every source to one
 * dataset. Callers add their own where / order / limit.
 */
export function accessibleDatasets(db: Conn, userId: string, where?: SQL, onlyDatasetId?: string) {
  const access = effectiveAccess(db, userId, onlyDatasetId);
  const role = sql<DatasetRole>`(array['viewer','editor','manager','owner'])[${access.rank}]`;
  return db
    .select({ ...getTableColumns(datasets), role, direct: access.direct })
    .from(access)
    .innerJoin(datasets, eq(datasets.id, access.datasetId))
    .where(where)
    .$dynamic();
}

// The rules themselves: (dataset, effective rank 1–4, whether a direct grant counts) per dataset the
// user reaches, as a subquery named "access".
function effectiveAccess(db: Conn, userId: string | AnyPgColumn | Placeholder | SQL, onlyDatasetId?: string | Placeholder | SQL) {
  const one = (col: typeof datasets.id | typeof datasetGrants.datasetId) => (onlyDatasetId ? eq(col, onlyDatasetId) : undefined);
  const owned = db
    .select({ datasetId: sql<string>`${datasets.id}`.as('dataset_id'), rank: sql<number>`4`.as('rank'), direct: sql<boolean>`false`.as('direct') })
    .from(datasets)
    .where(and(eq(datasets.ownerId, userId), one(datasets.id)));
  const direct = db
    .select({ datasetId: datasetGrants.datasetId, rank: grantRank.as('rank'), direct: sql<boolean>`true`.as('direct') })
    .from(datasetGrants)
    .where(and(eq(datasetGrants.userId, userId), activeGrant, one(datasetGrants.datasetId)));
  const viaTeams = db
    .select({ datasetId: datasetGrants.datasetId, rank: grantRank.as('rank'), direct: sql<boolean>`false`.as('direct') })
    .from(teamMembers)
    .innerJoin(datasetGrants, eq(datasetGrants.teamId, teamMembers.teamId))
    .where(and(eq(teamMembers.userId, userId), activeGrant, one(datasetGrants.datasetId)));
  const sources = unionAll(owned, direct, viaTeams).as('sources');
  return db
    .select({
      datasetId: sources.datasetId,
      rank: sql<number>`max(${sources.rank})`.as('effective_rank'),
      direct: sql<boolean>`bool_or(${sources.direct})`.as('has_direct'),
    })
    .from(sources)
    .groupBy(sources.datasetId)
    .as('access');
}

/**
 * The user's effective role on one dataset as a scalar subquery (null without access), for a caller
 * that folds the role check into the one statement that also fetches what it guards (the download fast
 * paths, lib/downloads.ts): the same rules as authorizeDataset, evaluated by the database on every
 * request — nothing cached. Either id may be a column of the outer statement (an access key's user, a
 * row of a batch of lookups) or a placeholder of a prepared statement.
 * Decide with `can(role, …)`. `datasetId` must be well-formed (isDatasetId).
 */
export function datasetRoleSql(db: Conn, userId: string | AnyPgColumn | Placeholder | SQL, datasetId: string | Placeholder | SQL): SQL<DatasetRole | null> {
  const access = effectiveAccess(db, userId, datasetId);
  return sql<DatasetRole | null>`(${db.select({ role: sql`(array['viewer','editor','manager','owner'])[${access.rank}]` }).from(access)})`;
}

/** Whether a dataset id is well-formed (anything else is "not found" without a query). */
export const isDatasetId = (id: string) => UUID.test(id);

// ——— The access index ———
//
// dataset_access (db/schema/access-index.ts) holds, per user, every dataset they reach with the
// effective role the rules above give, kept current by triggers (migration 0013) in the transaction
// of each change to datasets, grants and team membership. It is derived data: the rules above stay the
// authority (authorizeDataset never reads it), and tests/access-index.test.ts checks it against them
// over random histories. A row counts an expiring grant only until its valid_until: readers first
// recompute their rows past it (refreshAccessIndex), and never trust one past it (fail closed).

const indexRole = sql<DatasetRole>`(array['viewer','editor','manager','owner'])[${datasetAccess.rank}]`;
const indexRowValid = or(isNull(datasetAccess.validUntil), gt(datasetAccess.validUntil, sql`now()`));

/** Recomputes the user's index rows whose expiring grant has run out; returns how many. */
export async function refreshAccessIndex(db: Conn, userId: string): Promise<number> {
  const [row] = await db.select({ n: sql<number>`dataset_access_refresh(${userId}::uuid)` }).from(sql`(select 1) as one`);
  return Number(row?.n ?? 0);
}

/** The inventory's bound on exact totals: beyond it the page says "5,000+". */
export const INVENTORY_COUNT_BOUND = 5_000;

export type InventoryCursor = { updatedAtUs: string; id: string };
export type InventoryQuery = {
  filter: 'all' | 'owned' | 'shared';
  /** Case-insensitive substring of the name. */
  q: string;
  /** Keyset pagination: rows after (older than) or before (newer than) a row's cursor. */
  after?: InventoryCursor;
  before?: InventoryCursor;
  limit: number;
};

/** A row's position in the inventory order (updated_at to the microsecond, then id), for keyset links. */
export function cursorOf(row: { updatedAtUs: string; id: string }): string {
  return `${row.updatedAtUs}.${row.id}`;
}
export function parseCursor(raw: string | undefined): InventoryCursor | undefined {
  const m = raw ? /^(\d{1,17})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(raw) : null;
  return m ? { updatedAtUs: m[1], id: m[2].toLowerCase() } : undefined;
}

function inventoryWhere(userId: string, query: Pick<InventoryQuery, 'filter' | 'q'>): SQL | undefined {
  return and(
    eq(datasetAccess.userId, userId),
    query.filter === 'owned' ? eq(datasetAccess.owned, true) : query.filter === 'shared' ? eq(datasetAccess.owned, false) : undefined,
    query.q ? sql`${datasetAccess.name} ilike ${`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}` : undefined,
    indexRowValid,
  );
}

const atCursor = (c: InventoryCursor) => sql`('epoch'::timestamptz + ${c.updatedAtUs}::bigint * interval '1 microsecond', ${c.id}::uuid)`;

/**
 * One page of the datasets a user reaches, newest update first, in one statement: a range scan of the
 * access index (filters and search applied to its tuples) joined to the page's datasets, owners and
 * file totals, with each row's team source and the bounded total of matching rows (an InitPlan run
 * once). Call refreshAccessIndex first in the same request. Returns up to `limit + 1` rows in display
 * order, so callers can tell whether there is more in the direction they went.
 */
export async function inventoryPage(db: Conn, userId: string, query: InventoryQuery) {
  const keys = sql`(${datasetAccess.updatedAt}, ${datasetAccess.datasetId})`;
  const backwards = !query.after && !!query.before;
  const matching = db.select({ one: sql`1` }).from(datasetAccess).where(inventoryWhere(userId, query)).limit(INVENTORY_COUNT_BOUND + 1).as('matching');
  const rows = await db
    .select({
      id: datasetAccess.datasetId,
      role: indexRole,
      direct: datasetAccess.direct,
      viaTeam: teamSourceOf(db, userId),
      updatedAt: datasetAccess.updatedAt,
      updatedAtUs: sql<string>`(extract(epoch from ${datasetAccess.updatedAt}) * 1000000)::bigint::text`,
      name: datasets.name,
      description: datasets.description,
      ownerId: datasets.ownerId,
      ownerName: users.name,
      ownerEmail: users.email,
      fileCount: sql<number>`coalesce(${datasetStats.fileCount}, 0)`.mapWith(Number),
      fileBytes: sql<number>`coalesce(${datasetStats.fileBytes}, 0)`.mapWith(Number),
      historyBytes: sql<number>`coalesce(${datasetStats.historyBytes}, 0)`.mapWith(Number),
      matching: sql<number>`(${db.select({ n: sql`count(*)::int` }).from(matching)})`.mapWith(Number),
    })
    .from(datasetAccess)
    .innerJoin(datasets, eq(datasets.id, datasetAccess.datasetId))
    .innerJoin(users, eq(users.id, datasets.ownerId))
    .leftJoin(datasetStats, eq(datasetStats.datasetId, datasetAccess.datasetId))
    .where(
      and(
        inventoryWhere(userId, query),
        query.after ? sql`${keys} < ${atCursor(query.after)}` : undefined,
        backwards && query.before ? sql`${keys} > ${atCursor(query.before)}` : undefined,
      ),
    )
    .orderBy(...(backwards ? [asc(datasetAccess.updatedAt), asc(datasetAccess.datasetId)] : [desc(datasetAccess.updatedAt), desc(datasetAccess.datasetId)]))
    .limit(query.limit + 1);
  return backwards ? rows.reverse() : rows;
}

/**
 * For an index row whose role comes from a team rather than ownership or a direct grant: the team's
 * name (the first by name among those granting that role), else null. A direct grant of the same
 * role wins, as it does in the dataset header (lib/sharing.ts teamRoleSources).
 */
function teamSourceOf(db: Conn, userId: string) {
  const g = alias(datasetGrants, 'g');
  const d = alias(datasetGrants, 'd');
  const sameRole = (grant: GrantColumns & { datasetId: AnyPgColumn }) => and(eq(grant.datasetId, datasetAccess.datasetId), inForce(grant), eq(grantRankOf(grant), datasetAccess.rank));
  const directOfSameRole = db.select({ one: sql`1` }).from(d).where(and(eq(d.userId, userId), sameRole(d)));
  const team = db
    .select({ name: teams.name })
    .from(teamMembers)
    .innerJoin(g, eq(g.teamId, teamMembers.teamId))
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(and(eq(teamMembers.userId, userId), sameRole(g), notExists(directOfSameRole)))
    .orderBy(teams.name)
    .limit(1);
  return sql<string | null>`case when ${datasetAccess.viaTeam} and not ${datasetAccess.owned} then (${team}) end`;
}

/** How many datasets match, exact up to INVENTORY_COUNT_BOUND (then `bounded`). */
export async function inventoryCount(db: Conn, userId: string, query: Pick<InventoryQuery, 'filter' | 'q'>): Promise<{ total: number; bounded: boolean }> {
  const matching = db.select({ one: sql`1` }).from(datasetAccess).where(inventoryWhere(userId, query)).limit(INVENTORY_COUNT_BOUND + 1).as('matching');
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(matching);
  const n = Number(row?.n ?? 0);
  return n > INVENTORY_COUNT_BOUND ? { total: INVENTORY_COUNT_BOUND, bounded: true } : { total: n, bounded: false };
}

/** Every (dataset, role, direct) the index gives a user now — for tests that compare it with the rules. */
export async function indexedAccess(db: Conn, userId: string) {
  return db
    .select({ datasetId: datasetAccess.datasetId, role: indexRole, direct: datasetAccess.direct })
    .from(datasetAccess)
    .where(and(eq(datasetAccess.userId, userId), indexRowValid));
}

export type DatasetAccess = {
  dataset: typeof datasets.$inferSelect;
  role: DatasetRole;
  directGrant: boolean;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The user's access to one dataset; NOT_FOUND when they have none (or the id is malformed), so existence never leaks. */
export async function getDatasetAccess(db: Conn, userId: string, datasetId: string): Promise<DatasetAccess> {
  if (!UUID.test(datasetId)) throw new AppError('NOT_FOUND', 'Dataset not found.');
  // Reads outside a transaction are resolved once per page render (a details page asks for every
  // section); a transaction (every write) always asks the database itself.
  if (!(db instanceof PgTransaction)) return accessOncePerRender(db, userId, datasetId);
  return loadDatasetAccess(db, userId, datasetId);
}

// React's cache() memoizes for the duration of one server render only (a new one per request; route
// handlers and server actions run outside it and always load).
const accessOncePerRender = cache((db: Conn, userId: string, datasetId: string) => loadDatasetAccess(db, userId, datasetId));

async function loadDatasetAccess(db: Conn, userId: string, datasetId: string): Promise<DatasetAccess> {
  const [row] = await accessibleDatasets(db, userId, undefined, datasetId).limit(1);
  if (!row) throw new AppError('NOT_FOUND', 'Dataset not found.');
  const { role, direct, ...dataset } = row;
  return { dataset, role, directGrant: direct };
}

/**
 * Resolves access and checks one operation: NOT_FOUND without access, FORBIDDEN when the role is
 * too low, LOCKED for file writes on a read-only dataset.
 */
export async function authorizeDataset(db: Conn, userId: string, datasetId: string, permission: Permission): Promise<DatasetAccess> {
  const access = await getDatasetAccess(db, userId, datasetId);
  if (!can(access.role, permission)) throw new AppError('FORBIDDEN', 'Your role on this dataset does not allow that.');
  if (access.dataset.readOnly && LOCKABLE.has(permission)) {
    throw new AppError('LOCKED', 'This dataset is locked read-only. The owner can unlock it.');
  }
  return access;
}

// ——— Teams ———

export const TEAM_ROLES = ['member', 'admin', 'owner'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

/** The lowest team role allowed each team operation. */
export const TEAM_PERMISSIONS = {
  'team.view': 'member', // see the team, its members, share datasets with it
  'team.manage': 'admin', // invite, change roles, remove members, see invitations and activity
  'team.admin': 'owner', // rename or delete the team
} as const satisfies Record<string, TeamRole>;
export type TeamPermission = keyof typeof TEAM_PERMISSIONS;

export function teamRoleRank(role: TeamRole | null | undefined): number {
  return role ? TEAM_ROLES.indexOf(role) + 1 : 0;
}

export function canTeam(role: TeamRole | null | undefined, permission: TeamPermission): boolean {
  return teamRoleRank(role) >= teamRoleRank(TEAM_PERMISSIONS[permission]);
}

/** The team roles an actor may hand out: admins up to admin, owners any. */
export function grantableTeamRoles(role: TeamRole | null | undefined): TeamRole[] {
  if (role === 'owner') return [...TEAM_ROLES];
  if (role === 'admin') return ['member', 'admin'];
  return [];
}

/** Whether a team member with `actor` role may change or remove one with `member` role: admins never touch owners. */
export function mayManageTeamMember(actor: TeamRole | null | undefined, member: TeamRole): boolean {
  return canTeam(actor, 'team.manage') && (member !== 'owner' || actor === 'owner');
}

export type TeamAccess = { team: typeof teams.$inferSelect; role: TeamRole };

/** The user's membership of a team; NOT_FOUND for non-members (teams are private to their members). */
export async function authorizeTeam(db: Conn, userId: string, teamId: string, permission: TeamPermission): Promise<TeamAccess> {
  if (!UUID.test(teamId)) throw new AppError('NOT_FOUND', 'Team not found.');
  const [row] = await db
    .select({ team: teams, role: teamMembers.role })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)))
    .limit(1);
  if (!row) throw new AppError('NOT_FOUND', 'Team not found.');
  if (!canTeam(row.role, permission)) throw new AppError('FORBIDDEN', 'Your role in this team does not allow that.');
  return row;
}
