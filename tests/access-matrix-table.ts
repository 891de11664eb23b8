/**
 * The access matrix as data: for each endpoint, how to call it as the current actor and what each
 * actor must get (PRODUCT.md §2, SECURITY.md). Rules are written out per endpoint from the spec,
 * not derived from lib/access.ts, so a wrong permission in code makes a cell fail.
 */
import { ACTORS, staleInvitation, type Actor, type Fixture } from './access-matrix-fixtures';

export type Outcome = 'ok' | 'login' | 'notfound' | 'forbidden' | `code ${string}` | `status ${number}`;
type Run = (fx: Fixture) => Promise<unknown>;
type Spec = { run: Run; expect: Record<Actor, Outcome> } | { public: string };

type Role = 'viewer' | 'editor' | 'manager' | 'owner';
const RANK: Record<Role, number> = { viewer: 1, editor: 2, manager: 3, owner: 4 };
// Each actor's effective role on the fixture's dataset (teamMember: via the team's editor grant).
const DATASET_ROLE: Partial<Record<Actor, Role>> = { viewer: 'viewer', editor: 'editor', manager: 'manager', owner: 'owner', teamMember: 'editor' };

function each(f: (a: Actor) => Outcome): Record<Actor, Outcome> {
  return Object.fromEntries(ACTORS.map((a) => [a, f(a)])) as Record<Actor, Outcome>;
}

/** Anonymous → log in; no access → 404; too low a role → 403; else allowed. */
const dataset = (min: Role) =>
  each((a) => (a === 'anonymous' ? 'login' : !DATASET_ROLE[a] ? 'notfound' : RANK[DATASET_ROLE[a]!] >= RANK[min] ? 'ok' : 'forbidden'));

type TeamRole = 'member' | 'admin' | 'owner';
const TEAM_RANK: Record<TeamRole, number> = { member: 1, admin: 2, owner: 3 };
const TEAM_ROLE: Partial<Record<Actor, TeamRole>> = { owner: 'owner', manager: 'admin', editor: 'member', viewer: 'member', teamMember: 'member' };
const team = (min: TeamRole) =>
  each((a) => (a === 'anonymous' ? 'login' : !TEAM_ROLE[a] ? 'notfound' : TEAM_RANK[TEAM_ROLE[a]!] >= TEAM_RANK[min] ? 'ok' : 'forbidden'));

/** Like dataset(min), but a lower role gets the stranger's 404 (a tab that does not exist for them). */
const datasetHidden = (min: Role) => {
  const d = dataset(min);
  return each((a) => (d[a] === 'forbidden' ? 'notfound' : d[a]));
};

const anyUser = () => each((a) => (a === 'anonymous' ? 'login' : 'ok'));
const onlyInvitee = (others: Outcome) => each((a) => (a === 'anonymous' ? 'login' : a === 'invitee' ? 'ok' : others));

const page = (mod: () => Promise<{ default: (p: never) => unknown }>, params: (fx: Fixture) => Record<string, string>) => async (fx: Fixture) =>
  (await mod()).default({ params: Promise.resolve(params(fx)), searchParams: Promise.resolve({}) } as never);
const files = () => import('@/app/api/datasets/[datasetId]/files/[[...path]]/route');
const ds = () => import('@/app/(app)/datasets/[datasetId]/actions');
const sharing = () => import('@/app/(app)/datasets/[datasetId]/sharing-actions');
const fb = () => import('@/components/file-browser/actions');
const teams = () => import('@/app/(app)/teams/[teamId]/actions');
const fileUrl = (fx: Fixture, p: string) => `http://localhost:3000/api/datasets/${fx.datasetId}/files/${p}`;
const account = () => import('@/app/(app)/account/actions');
const versions = () => import('@/components/file-versions/actions');
const trash = () => import('@/components/trash/actions');
/** The owner overwrites a.txt; the id of the version that keeps its first content. */
async function earlierVersion(fx: Fixture): Promise<string> {
  const { uploadFile } = await import('@/lib/files');
  const { listVersions } = await import('@/lib/file-history');
  await uploadFile(fx.users.owner!.id, fx.datasetId, 'a.txt', (async function* () { yield Buffer.from('second'); })());
  return (await listVersions(fx.users.owner!.id, fx.datasetId, 'a.txt')).versions[1].id!;
}
/** The owner deletes the folder "dir"; the id of its trash item. */
async function trashItem(fx: Fixture): Promise<string> {
  const { deleteEntry } = await import('@/lib/files');
  const { listTrash } = await import('@/lib/file-history');
  await deleteEntry(fx.users.owner!.id, fx.datasetId, 'dir');
  return (await listTrash(fx.users.owner!.id, fx.datasetId))[0].id;
}

/**
 * The S3 endpoint, signed with a fresh read-write, all-datasets key of the current actor (so the
 * actor's role is what decides); anonymous sends an unsigned request. Per-key errors inside a 200
 * (DeleteObjects) count as that error's status.
 */
const s3 = (method: string, p: (fx: Fixture) => string, body?: string) => async (fx: Fixture) => {
  const { getCurrentUser } = await import('@/lib/auth/session');
  const { createAccessKey } = await import('@/lib/s3/keys');
  const { signedS3Request } = await import('@/lib/s3/testing');
  const { GET, PUT, POST, DELETE } = await import('@/app/s3/[[...path]]/route');
  const handler = { GET, PUT, POST, DELETE }[method]!;
  const url = `http://localhost:3000/s3/${p(fx)}`;
  const user = await getCurrentUser();
  if (!user) return handler(new Request(url, { method, body: method === 'GET' ? undefined : (body ?? '') }));
  const key = await createAccessKey(user.id, { name: 'matrix', readOnly: false, datasetId: null, expiresAt: null });
  const res = await handler(await signedS3Request(url, key, { method, body }));
  const text = await res.text();
  const code = /<Error>(?:<Key>[^<]*<\/Key>)?<Code>([^<]+)</.exec(text)?.[1];
  const status = code === 'AccessDenied' ? 403 : code === 'NoSuchBucket' ? 404 : code ? 400 : res.status;
  return new Response(null, { status });
};
/**
 * A resumable upload session route, on a session of the current actor's own (3 bytes declared, its one
 * part stored), inserted directly as if started while the actor could still write: the role decides.
 */
const session = (method: 'GET' | 'POST' | 'DELETE' | 'PUT') => async (fx: Fixture) => {
  const { getCurrentUser } = await import('@/lib/auth/session');
  const { getDb } = await import('@/db/client');
  const { s3Uploads } = await import('@/db/schema');
  const { storePart } = await import('@/lib/upload-parts');
  const user = await getCurrentUser();
  let uploadId: string = crypto.randomUUID();
  if (user) {
    const [row] = await (await getDb()).insert(s3Uploads).values({ datasetId: fx.datasetId, userId: user.id, path: 'big.bin', kind: 'browser', size: 3 }).returning({ id: s3Uploads.id });
    uploadId = row.id;
    if (method === 'POST') await storePart(uploadId, 1, (async function* () { yield Buffer.from('abc'); })(), { maxBytes: 3, expectedSize: 3 });
  }
  const url = `http://localhost:3000/api/datasets/${fx.datasetId}/uploads/${uploadId}`;
  if (method === 'PUT') {
    const parts = await import('@/app/api/datasets/[datasetId]/uploads/[uploadId]/parts/[partNumber]/route');
    return parts.PUT(new Request(`${url}/parts/1`, { method, body: 'abc', duplex: 'half' } as RequestInit), { params: Promise.resolve({ datasetId: fx.datasetId, uploadId, partNumber: '1' }) });
  }
  const route = await import('@/app/api/datasets/[datasetId]/uploads/[uploadId]/route');
  return route[method](new Request(url, { method }), { params: Promise.resolve({ datasetId: fx.datasetId, uploadId }) });
};

/**
 * The fast paths scripts/start.mjs serves ahead of Next (lib/download-handler.ts, and GetObject in
 * lib/s3/fast-get.ts through lib/s3/node-handler.ts), over real HTTP: the actor's real session cookie
 * (a fresh session row) or a fresh key of theirs — not the stubbed session the route handlers see.
 */
type FastServers = { download: string; s3: string };
let fastServers: Promise<FastServers> | undefined;
function startFastServers(): Promise<FastServers> {
  fastServers ??= (async () => {
    const http = await import('node:http');
    const { serveDownload } = await import('@/lib/download-handler');
    const { serveS3 } = await import('@/lib/s3/node-handler');
    const listen = async (serve: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void) => {
      const server = http.createServer(serve);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      server.unref();
      return `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
    };
    return {
      download: await listen((req, res) => void serveDownload(req, res).then((served) => served || res.writeHead(418).end())),
      s3: await listen((req, res) => void serveS3(req, res)),
    };
  })();
  return fastServers;
}
const fastDownload = (p: (fx: Fixture) => Promise<string>) => async (fx: Fixture) => {
  const { getCurrentUser } = await import('@/lib/auth/session');
  const { createSession } = await import('@/lib/auth/sessions');
  const { encode } = await import('next-auth/jwt');
  const user = await getCurrentUser();
  const salt = 'authjs.session-token';
  const cookie = user ? `${salt}=${await encode({ token: { sub: user.id, sid: await createSession(user.id, 'matrix') }, secret: process.env.AUTH_SECRET!, salt })}` : undefined;
  const res = await fetch(`${(await startFastServers()).download}${await p(fx)}`, { headers: cookie ? { cookie } : {} });
  if (res.status === 418) throw new Error('The fast path left this download to Next.');
  return res;
};
const fastS3Get = (p: (fx: Fixture) => string) => async (fx: Fixture) => {
  const { getCurrentUser } = await import('@/lib/auth/session');
  const { createAccessKey } = await import('@/lib/s3/keys');
  const { signedS3Request } = await import('@/lib/s3/testing');
  const url = `${(await startFastServers()).s3}/s3/${p(fx)}`;
  const user = await getCurrentUser();
  const request = user ? await signedS3Request(url, await createAccessKey(user.id, { name: 'matrix', readOnly: false, datasetId: null, expiresAt: null })) : new Request(url);
  const res = await fetch(url, { headers: request.headers });
  const code = /<Error><Code>([^<]+)</.exec(await res.text())?.[1];
  return new Response(null, { status: code === 'AccessDenied' ? 403 : code === 'NoSuchBucket' ? 404 : code ? 400 : res.status });
};

/** Like dataset(), but an unsigned request is refused (403), never redirected to a login page. */
const s3Dataset = (min: Role) => ({ ...dataset(min), anonymous: 'forbidden' as Outcome });

export const ENDPOINTS: Record<string, Spec> = {
  // Public: anyone may open these; what they show is covered by their own tests.
  'page /': { public: 'redirects by session (e2e auth.spec)' },
  'page /login': { public: 'login form (e2e auth.spec)' },
  'page /signup': { public: 'sign-up form (e2e auth.spec)' },
  'page /invite/[token]': { public: 'shows an invitation to whoever holds the link, changes nothing (lib/invitations tests, e2e sharing.spec)' },
  'GET /api/auth/[...nextauth]': { public: 'Auth.js' },
  'GET /api/health': { public: 'liveness for load balancers (tests/health.test.ts)' },
  'GET /api/health/ready': { public: 'readiness: database, migrations, storage; names checks only (tests/health.test.ts)' },
  'POST /api/auth/[...nextauth]': { public: 'Auth.js (login throttled in authorize)' },
  'action loginAction': { public: 'log in' },
  'action signupAction': { public: 'sign up' },
  'action logoutAction': { public: 'log out' },
  'action switchAccountAction': { public: 'log out and return to the invitation' },
  'page /signup/check-email': { public: 'the one screen after every sign-up (e2e auth.spec, accounts.spec)' },
  'page /forgot-password': { public: 'reset request form; the same answer for any address (lib/accounts tests, e2e accounts.spec)' },
  'page /reset-password/[token]': { public: 'shows a reset form to whoever holds the mailed link, changes nothing (lib/accounts tests)' },
  'page /verify-email/[token]': { public: 'shows a verify button to whoever holds the mailed link, changes nothing (lib/accounts tests)' },
  'action forgotPasswordAction': { public: 'mails a reset link to the address, if it has an account' },
  'action resetPasswordAction': { public: 'the token is the authority (single use, 1 h)' },
  'action verifyEmailAction': { public: 'the token is the authority (single use, 24 h)' },

  // Signed-in areas that are about the user themself.
  'page /datasets': { run: page(() => import('@/app/(app)/datasets/page'), () => ({})), expect: anyUser() },
  'page /datasets/new': { run: page(() => import('@/app/(app)/datasets/new/page'), () => ({})), expect: anyUser() },
  'page /invitations': { run: page(() => import('@/app/(app)/invitations/page'), () => ({})), expect: anyUser() },
  'page /teams': { run: page(() => import('@/app/(app)/teams/page'), () => ({})), expect: anyUser() },
  'page /account': { run: page(() => import('@/app/(app)/account/page'), () => ({})), expect: anyUser() },
  'action changePasswordAction': {
    // The factories' password, changed to itself, so later cells still know it.
    run: async () => (await import('@/app/(app)/account/actions')).changePasswordAction({ currentPassword: 'correct horse battery', newPassword: 'correct horse battery' }),
    expect: anyUser(),
  },
  'action renameUserAction': { run: async () => (await import('@/app/(app)/account/actions')).renameUserAction({ name: 'Same Name' }), expect: anyUser() },
  // The matrix's actors have verified addresses: each is told so (an unverified one gets a link: lib/accounts tests).
  'action resendVerificationAction': { run: async () => (await import('@/app/(app)/account/actions')).resendVerificationAction({}), expect: each((a) => (a === 'anonymous' ? 'login' : 'code CONFLICT')) },
  'action logoutOtherSessionsAction': { run: async () => (await import('@/app/(app)/account/actions')).logoutOtherSessionsAction({}), expect: anyUser() },
  'action createAccessKeyAction': { run: async () => (await account()).createAccessKeyAction({ name: 'matrix', access: 'readonly', datasetId: 'all', expires: '' }), expect: anyUser() },
  // Lists only the caller's own reach (lib/s3/keys tests check what it holds).
  'action keyableDatasetsAction': { run: async () => (await account()).keyableDatasetsAction({}), expect: anyUser() },
  'action revokeAccessKeyAction': {
    // Each actor revokes a key of their own (another user's key id is NOT_FOUND: lib/s3/keys tests).
    run: async () => {
      const { getCurrentUser } = await import('@/lib/auth/session');
      const user = await getCurrentUser();
      const keyId = user ? (await (await import('@/lib/s3/keys')).createAccessKey(user.id, { name: 'm', readOnly: true, datasetId: null, expiresAt: null })).id : crypto.randomUUID();
      return (await account()).revokeAccessKeyAction({ keyId });
    },
    expect: anyUser(),
  },
  'action createDatasetAction': { run: async () => (await import('@/app/(app)/datasets/new/actions')).createDatasetAction({ name: `m-${crypto.randomUUID()}`, description: '' }), expect: anyUser() },
  'action createTeamAction': { run: async () => (await import('@/app/(app)/teams/actions')).createTeamAction({ name: `m-${crypto.randomUUID()}` }), expect: anyUser() },

  // Invitations: only the invited address may answer.
  'action acceptInviteAction': { run: async (fx) => (await import('@/app/invite/[token]/actions')).acceptInviteAction({ token: fx.inviteToken }), expect: onlyInvitee('forbidden') },
  'action declineInviteAction': { run: async (fx) => (await import('@/app/invite/[token]/actions')).declineInviteAction({ token: fx.inviteToken }), expect: onlyInvitee('notfound') },
  // Issue 9, finding 4: an invitation whose inviter has since lost access (the removed member, once a manager) grants nothing, even to its invitee.
  'action acceptInviteAction (inviter since removed)': {
    run: async (fx) => (await import('@/app/invite/[token]/actions')).acceptInviteAction({ token: await staleInvitation(fx) }),
    expect: each((a) => (a === 'anonymous' ? 'login' : 'forbidden')),
  },
  'action acceptInvitationAction': { run: async (fx) => (await import('@/app/(app)/invitations/actions')).acceptInvitationAction({ invitationId: fx.invitationId }), expect: onlyInvitee('forbidden') },
  'action declineInvitationAction': { run: async (fx) => (await import('@/app/(app)/invitations/actions')).declineInvitationAction({ invitationId: fx.invitationId }), expect: onlyInvitee('notfound') },

  // A dataset: PRODUCT §2.
  'page /datasets/[datasetId]': { run: page(() => import('@/app/(app)/datasets/[datasetId]/page'), (fx) => ({ datasetId: fx.datasetId })), expect: dataset('viewer') },
  'page /datasets/[datasetId]/files/[...path]': { run: page(() => import('@/app/(app)/datasets/[datasetId]/files/[...path]/page'), (fx) => ({ datasetId: fx.datasetId, path: ['a.txt'] }) as never), expect: dataset('viewer') },
  'GET /api/datasets/[datasetId]/files/[[...path]]': {
    run: async (fx) => (await files()).GET(new Request(fileUrl(fx, 'a.txt')), { params: Promise.resolve({ datasetId: fx.datasetId, path: ['a.txt'] }) }),
    expect: dataset('viewer'),
  },
  'page /datasets/[datasetId]/files': { run: page(() => import('@/app/(app)/datasets/[datasetId]/files/page'), (fx) => ({ datasetId: fx.datasetId })), expect: dataset('viewer') },
  'page /datasets/[datasetId]/people': { run: page(() => import('@/app/(app)/datasets/[datasetId]/people/page'), (fx) => ({ datasetId: fx.datasetId })), expect: dataset('viewer') },
  // Activity (managers and owner) and Settings (owner) do not exist for lower roles: the stranger's 404.
  'page /datasets/[datasetId]/activity': { run: page(() => import('@/app/(app)/datasets/[datasetId]/activity/page'), (fx) => ({ datasetId: fx.datasetId })), expect: datasetHidden('manager') },
  'page /datasets/[datasetId]/settings': { run: page(() => import('@/app/(app)/datasets/[datasetId]/settings/page'), (fx) => ({ datasetId: fx.datasetId })), expect: datasetHidden('owner') },
  'POST /api/datasets/[datasetId]/archive': {
    run: async (fx) => {
      const body = new FormData();
      body.append('path', 'a.txt');
      return (await import('@/app/api/datasets/[datasetId]/archive/route')).POST(new Request(`http://localhost:3000/api/datasets/${fx.datasetId}/archive`, { method: 'POST', body }), { params: Promise.resolve({ datasetId: fx.datasetId }) });
    },
    expect: dataset('viewer'),
  },
  'action deleteEntriesAction': { run: async (fx) => (await fb()).deleteEntriesAction({ datasetId: fx.datasetId, paths: ['a.txt'] }), expect: dataset('manager') },
  'GET /api/datasets/[datasetId]/archive': {
    run: async (fx) => (await import('@/app/api/datasets/[datasetId]/archive/route')).GET(new Request(`http://localhost:3000/api/datasets/${fx.datasetId}/archive`), { params: Promise.resolve({ datasetId: fx.datasetId }) }),
    expect: dataset('viewer'),
  },
  'PUT /api/datasets/[datasetId]/files/[[...path]]': {
    run: async (fx) =>
      (await files()).PUT(new Request(fileUrl(fx, 'new.txt'), { method: 'PUT', body: 'bytes', duplex: 'half' } as RequestInit), {
        params: Promise.resolve({ datasetId: fx.datasetId, path: ['new.txt'] }),
      }),
    expect: dataset('editor'),
  },
  // Resumable uploads of large files: editors and up; a demoted user's own session is refused, a stranger's is 404.
  'POST /api/datasets/[datasetId]/uploads': {
    run: async (fx) =>
      (await import('@/app/api/datasets/[datasetId]/uploads/route')).POST(
        new Request(`http://localhost:3000/api/datasets/${fx.datasetId}/uploads`, { method: 'POST', body: JSON.stringify({ path: 'big.bin', size: 20_000_000 }) }),
        { params: Promise.resolve({ datasetId: fx.datasetId }) },
      ),
    expect: dataset('editor'),
  },
  'GET /api/datasets/[datasetId]/uploads/[uploadId]': { run: session('GET'), expect: dataset('editor') },
  'POST /api/datasets/[datasetId]/uploads/[uploadId]': { run: session('POST'), expect: dataset('editor') },
  // Cancelling frees the actor's own parts: still allowed after a demotion to viewer.
  'DELETE /api/datasets/[datasetId]/uploads/[uploadId]': { run: session('DELETE'), expect: dataset('viewer') },
  'PUT /api/datasets/[datasetId]/uploads/[uploadId]/parts/[partNumber]': { run: session('PUT'), expect: dataset('editor') },
  'GET /s3/[[...path]]': { run: s3('GET', (fx) => `${fx.datasetId}/a.txt`), expect: s3Dataset('viewer') },
  // The same three downloads on the fast paths ahead of Next (not discovered by scanning: lib/, not app/).
  'fast GET /api/datasets/[datasetId]/files/[[...path]]': { run: fastDownload(async (fx) => `/api/datasets/${fx.datasetId}/files/a.txt`), expect: dataset('viewer') },
  'fast GET /api/datasets/[datasetId]/versions/[versionId]': { run: fastDownload(async (fx) => `/api/datasets/${fx.datasetId}/versions/${await earlierVersion(fx)}`), expect: dataset('viewer') },
  'fast GET /s3/[[...path]]': { run: fastS3Get((fx) => `${fx.datasetId}/a.txt`), expect: s3Dataset('viewer') },
  'PUT /s3/[[...path]]': { run: s3('PUT', (fx) => `${fx.datasetId}/s3-new.txt`, 'bytes'), expect: s3Dataset('editor') },
  'DELETE /s3/[[...path]]': { run: s3('DELETE', (fx) => `${fx.datasetId}/a.txt`), expect: s3Dataset('manager') },
  'POST /s3/[[...path]]': {
    run: s3('POST', (fx) => `${fx.datasetId}?delete=`, '<Delete><Object><Key>a.txt</Key></Object></Delete>'),
    expect: s3Dataset('manager'),
  },
  'action createFolderAction': { run: async (fx) => (await fb()).createFolderAction({ datasetId: fx.datasetId, parent: '', name: 'made' }), expect: dataset('editor') },
  'action renameEntryAction': { run: async (fx) => (await fb()).renameEntryAction({ datasetId: fx.datasetId, path: 'a.txt', newName: 'b.txt' }), expect: dataset('manager') },
  'action deleteEntryAction': { run: async (fx) => (await fb()).deleteEntryAction({ datasetId: fx.datasetId, path: 'a.txt' }), expect: dataset('manager') },
  // Issue 11 (4): versions (viewers list and download; managers restore) and the Trash (managers and the owner).
  'GET /api/datasets/[datasetId]/versions/[versionId]': {
    run: async (fx) => {
      const versionId = await earlierVersion(fx);
      return (await import('@/app/api/datasets/[datasetId]/versions/[versionId]/route')).GET(new Request(`http://localhost:3000/api/datasets/${fx.datasetId}/versions/${versionId}`), { params: Promise.resolve({ datasetId: fx.datasetId, versionId }) });
    },
    expect: dataset('viewer'),
  },
  'action listVersionsAction': { run: async (fx) => (await versions()).listVersionsAction({ datasetId: fx.datasetId, path: 'a.txt' }), expect: dataset('viewer') },
  'action restoreVersionAction': { run: async (fx) => (await versions()).restoreVersionAction({ datasetId: fx.datasetId, versionId: await earlierVersion(fx) }), expect: dataset('manager') },
  // Below manager the Trash does not exist for them (they cannot delete): the same 404 as a stranger's.
  'page /datasets/[datasetId]/trash': {
    run: page(() => import('@/app/(app)/datasets/[datasetId]/trash/page'), (fx) => ({ datasetId: fx.datasetId })),
    expect: { ...dataset('manager'), viewer: 'notfound', editor: 'notfound', teamMember: 'notfound' },
  },
  'action restoreFromTrashAction': { run: async (fx) => (await trash()).restoreFromTrashAction({ datasetId: fx.datasetId, trashId: await trashItem(fx) }), expect: dataset('manager') },
  'action emptyTrashAction': {
    run: async (fx) => {
      await trashItem(fx);
      return (await trash()).emptyTrashAction({ datasetId: fx.datasetId, confirm: true });
    },
    expect: dataset('manager'),
  },
  'action describeDatasetAction': { run: async (fx) => (await ds()).describeDatasetAction({ datasetId: fx.datasetId, description: 'new' }), expect: dataset('manager') },
  'action shareDatasetAction': { run: async (fx) => (await sharing()).shareDatasetAction({ datasetId: fx.datasetId, recipients: `n-${crypto.randomUUID()}@example.test`, role: 'viewer', message: '' }), expect: dataset('manager') },
  'action sharePeopleAction': { run: async (fx) => (await sharing()).sharePeopleAction({ datasetId: fx.datasetId }), expect: dataset('manager') },
  'action changeRoleAction': { run: async (fx) => (await sharing()).changeRoleAction({ datasetId: fx.datasetId, grantId: fx.viewerGrantId, role: 'editor' }), expect: dataset('manager') },
  'action removeAccessAction': { run: async (fx) => (await sharing()).removeAccessAction({ datasetId: fx.datasetId, grantId: fx.viewerGrantId }), expect: dataset('manager') },
  'action setAccessUntilAction': { run: async (fx) => (await sharing()).setAccessUntilAction({ datasetId: fx.datasetId, grantId: fx.viewerGrantId, expiresAt: '2099-01-01' }), expect: dataset('manager') },
  // Undo: the actor removes / revokes, then undoes it; an actor who could not act has nothing to undo.
  'action undoRemoveAccessAction': {
    run: async (fx) => {
      const removed = (await (await sharing()).removeAccessAction({ datasetId: fx.datasetId, grantId: fx.viewerGrantId })) as { ok: boolean; data?: { undoId?: string } };
      return (await sharing()).undoRemoveAccessAction({ datasetId: fx.datasetId, undoId: removed.data?.undoId ?? crypto.randomUUID() });
    },
    expect: dataset('manager'),
  },
  'action undoRevokeInvitationAction': {
    run: async (fx) => {
      const revoked = (await (await sharing()).manageInvitationAction({ datasetId: fx.datasetId, invitationId: fx.invitationId, action: 'revoke' })) as { ok: boolean; data?: { undoId?: string } };
      return (await sharing()).undoRevokeInvitationAction({ datasetId: fx.datasetId, undoId: revoked.data?.undoId ?? crypto.randomUUID() });
    },
    expect: each((a) => (a === 'anonymous' ? 'login' : a === 'manager' || a === 'owner' ? 'ok' : 'notfound')),
  },
  // Any signed-in user may ask; the answer is the same whether or not they could see the dataset.
  'action requestAccessAction': { run: async (fx) => (await sharing()).requestAccessAction({ datasetId: fx.datasetId, message: '' }), expect: anyUser() },
  'action decideAccessRequestAction': {
    run: async (fx) => {
      const { getDb } = await import('@/db/client');
      const { accessRequests } = await import('@/db/schema');
      const { makeUser } = await import('@/lib/testing/factories');
      const asker = await makeUser('Asker');
      const [req] = await (await getDb()).insert(accessRequests).values({ datasetId: fx.datasetId, userId: asker.id }).returning({ id: accessRequests.id });
      return (await sharing()).decideAccessRequestAction({ datasetId: fx.datasetId, requestId: req.id, decision: 'deny' });
    },
    expect: dataset('manager'),
  },
  'action setNotificationAction': { run: async () => (await account()).setNotificationAction({ kind: 'team-shares', on: false }), expect: anyUser() },
  'action manageInvitationAction': { run: async (fx) => (await sharing()).manageInvitationAction({ datasetId: fx.datasetId, invitationId: fx.invitationId, action: 'extend' }), expect: dataset('manager') },
  'action renameDatasetAction': { run: async (fx) => (await ds()).renameDatasetAction({ datasetId: fx.datasetId, name: `r-${crypto.randomUUID()}` }), expect: dataset('owner') },
  'action lockDatasetAction': { run: async (fx) => (await ds()).lockDatasetAction({ datasetId: fx.datasetId, readOnly: true }), expect: dataset('owner') },
  'action deleteDatasetAction': { run: async (fx) => (await ds()).deleteDatasetAction({ datasetId: fx.datasetId, confirmName: fx.datasetName }), expect: dataset('owner') },
  'action transferOwnershipAction': { run: async (fx) => (await sharing()).transferOwnershipAction({ datasetId: fx.datasetId, grantId: fx.viewerGrantId }), expect: dataset('owner') },
  // Issue 9, finding 6: ownership goes only to a user with active access — not even the owner may pick an expired grant.
  'action transferOwnershipAction (to an expired grant)': {
    run: async (fx) => (await sharing()).transferOwnershipAction({ datasetId: fx.datasetId, grantId: fx.expiredGrantId }),
    expect: { ...dataset('owner'), owner: 'notfound' },
  },
  'action leaveDatasetAction': {
    run: async (fx) => (await sharing()).leaveDatasetAction({ datasetId: fx.datasetId }),
    // Members drop their own direct grant; the owner cannot leave; team access is left by leaving the team.
    expect: { ...dataset('viewer'), owner: 'forbidden', teamMember: 'code INVALID' },
  },

  // A team: members see it; owners and admins manage members; owners rename or delete it.
  'page /teams/[teamId]': { run: page(() => import('@/app/(app)/teams/[teamId]/page'), (fx) => ({ teamId: fx.teamId })), expect: team('member') },
  'action inviteToTeamAction': { run: async (fx) => (await teams()).inviteToTeamAction({ teamId: fx.teamId, recipients: `t-${crypto.randomUUID()}@example.test`, role: 'member' }), expect: team('admin') },
  'action manageTeamInvitationAction': { run: async (fx) => (await teams()).manageTeamInvitationAction({ teamId: fx.teamId, invitationId: fx.teamInvitationId, action: 'extend' }), expect: team('admin') },
  'action changeMemberRoleAction': { run: async (fx) => (await teams()).changeMemberRoleAction({ teamId: fx.teamId, userId: fx.bystanderId, role: 'admin' }), expect: team('admin') },
  'action removeMemberAction': { run: async (fx) => (await teams()).removeMemberAction({ teamId: fx.teamId, userId: fx.bystanderId }), expect: team('admin') },
  'action leaveTeamAction': {
    run: async (fx) => (await teams()).leaveTeamAction({ teamId: fx.teamId }),
    // Any member may leave, except the last owner.
    expect: { ...team('member'), owner: 'code CONFLICT' },
  },
  'action renameTeamAction': { run: async (fx) => (await teams()).renameTeamAction({ teamId: fx.teamId, name: `r-${crypto.randomUUID()}` }), expect: team('owner') },
  'action deleteTeamAction': { run: async (fx) => (await teams()).deleteTeamAction({ teamId: fx.teamId, confirmName: fx.teamName }), expect: team('owner') },
};
