/**
 * SECURITY.md's access matrix: every page, server action and route handler × actor → outcome.
 * Endpoints are discovered from app/ and components/; one missing from ENDPOINTS fails the suite.
 * Identity is the only thing stubbed (the session helpers and request headers); everything else —
 * lib/, the database, storage — is real.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { SessionUser } from '@/lib/users';

vi.mock('@/lib/auth/session', async () => (await import('@/lib/testing/session-stub')).stubbedSessionModule());
import { testSession as session } from '@/lib/testing/session-stub';
vi.mock('next/headers', () => ({ headers: async () => new Headers({ host: 'localhost:3000' }), cookies: async () => ({ get: () => undefined }) }));
vi.mock('next/cache', () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

import { ACTORS, type Actor, type Fixture, makeActors, makeFixture } from './access-matrix-fixtures';
import { ENDPOINTS, type Outcome } from './access-matrix-table';

/** Every endpoint in the app: pages, route handler methods, exported server actions. */
function discoverEndpoints(): string[] {
  const found: string[] = [];
  const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  const route = (file: string) => '/' + path.relative('app', path.dirname(file)).split(path.sep).filter((s) => !/^\(.*\)$/.test(s) && s !== '.').join('/');
  for (const file of [...walk('app'), ...walk('components')]) {
    const src = fs.readFileSync(file, 'utf8');
    if (/^app\/.*\/page\.tsx$|^app\/page\.tsx$/.test(file)) found.push(`page ${route(file).replace(/\/$/, '') || '/'}`);
    if (/route\.ts$/.test(file)) {
      const methods = new Set<string>();
      for (const m of src.matchAll(/export (?:async )?(?:function|const) (GET|POST|PUT|PATCH|DELETE)\b/g)) methods.add(m[1]);
      for (const m of src.matchAll(/export const \{([^}]+)\}/g)) for (const n of m[1].split(',')) methods.add(n.trim());
      for (const m of methods) found.push(`${m} ${route(file)}`);
    }
    if (/^['"]use server['"]/m.test(src)) {
      for (const m of src.matchAll(/export (?:const|async function) (\w+)/g)) found.push(`action ${m[1]}`);
    }
  }
  return found.sort();
}

/** Maps what an endpoint did to an outcome: returned → ok; redirect to /login → login; notFound → notfound; AppError codes. */
async function outcomeOf(run: () => Promise<unknown>): Promise<Outcome> {
  let value: unknown;
  try {
    value = await run();
  } catch (err) {
    const digest = String((err as { digest?: string }).digest ?? '');
    if (digest.startsWith('NEXT_REDIRECT')) return digest.includes('/login?callbackUrl') ? 'login' : 'ok';
    if (digest.startsWith('NEXT_HTTP_ERROR_FALLBACK;404')) return 'notfound';
    throw err;
  }
  if (value instanceof Response) {
    await value.body?.cancel();
    return ({ 401: 'login', 403: 'forbidden', 404: 'notfound' } as Record<number, Outcome>)[value.status] ?? (value.status < 300 ? 'ok' : (`status ${value.status}` as Outcome));
  }
  if (value && typeof value === 'object' && 'ok' in value) {
    const r = value as { ok: boolean; code?: string };
    if (r.ok) return 'ok';
    return ({ UNAUTHENTICATED: 'login', NOT_FOUND: 'notfound', FORBIDDEN: 'forbidden' } as Record<string, Outcome>)[r.code ?? ''] ?? (`code ${r.code}` as Outcome);
  }
  return 'ok';
}

let actors: Record<Actor, SessionUser | null>;

beforeAll(async () => {
  actors = await makeActors();
});

describe('access matrix', () => {
  it('lists every page, action and route handler of the app', () => {
    const missing = discoverEndpoints().filter((e) => !(e in ENDPOINTS));
    expect(missing, 'endpoints missing from tests/access-matrix-table.ts').toEqual([]);
  });

  for (const [endpoint, spec] of Object.entries(ENDPOINTS)) {
    if ('public' in spec) continue;
    it(`${endpoint}: ${Object.entries(spec.expect).map(([a, o]) => `${a}→${o}`).join(' ')}`, async () => {
      const got: Partial<Record<Actor, Outcome>> = {};
      for (const actor of ACTORS) {
        const fx: Fixture = await makeFixture(actors);
        session.current = actors[actor];
        try {
          got[actor] = await outcomeOf(() => spec.run(fx));
        } finally {
          session.current = null;
        }
      }
      expect(got).toEqual(spec.expect);
    });
  }
});
