import { decode, encode } from 'next-auth/jwt';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { makeUser } from '@/lib/testing/factories';
import { createSession, endSession, SESSION_MAX_AGE_S } from './sessions';

// The session cookie is read without Auth.js's per-request re-encryption (lib/auth/session.ts): these
// tests give getCurrentUser a real Auth.js cookie and a cookie jar that records what is set.
const jar = vi.hoisted(() => ({ value: undefined as string | undefined, sets: [] as { name: string; value: string; options: Record<string, unknown> }[], readOnly: false }));
vi.mock('next/headers', () => ({
  headers: async () => new Headers({ host: 'localhost:3000' }),
  cookies: async () => ({
    get: (name: string) => (name === 'authjs.session-token' && jar.value !== undefined ? { name, value: jar.value } : undefined),
    has: () => false,
    set: (name: string, value: string, options: Record<string, unknown>) => {
      if (jar.readOnly) throw new Error('Cookies can only be modified in a Server Action or Route Handler.');
      jar.sets.push({ name, value, options });
    },
  }),
}));

const { getCurrentUser } = await import('./session');
const SECRET = process.env.AUTH_SECRET!;
const SALT = 'authjs.session-token';
const cookieFor = (claims: Record<string, unknown>, maxAge = SESSION_MAX_AGE_S, secret = SECRET) => encode({ token: claims, secret, salt: SALT, maxAge });

beforeEach(() => {
  jar.value = undefined;
  jar.sets = [];
  jar.readOnly = false;
});

describe('getCurrentUser', () => {
  it('reads the Auth.js cookie once, checks the session row, and re-issues nothing while the cookie is fresh', async () => {
    const user = await makeUser('Cookie');
    const sid = await createSession(user.id, 'test');
    jar.value = await cookieFor({ sub: user.id, sid });
    expect(await getCurrentUser()).toMatchObject({ id: user.id, sessionId: sid });
    expect(jar.sets).toEqual([]);
    await endSession(sid);
    expect(await getCurrentUser()).toBeNull(); // log out ends the session on the server: the cookie is dead
  });

  it('re-issues the cookie for another full lifetime when less than half is left (where cookies can be set)', async () => {
    const user = await makeUser('Refresh');
    const sid = await createSession(user.id, 'test');
    jar.value = await cookieFor({ sub: user.id, sid }, 3 * 24 * 3600);
    expect(await getCurrentUser()).toMatchObject({ id: user.id });
    expect(jar.sets).toHaveLength(1);
    expect(jar.sets[0].options).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/', maxAge: SESSION_MAX_AGE_S });
    const claims = await decode({ token: jar.sets[0].value, secret: SECRET, salt: SALT });
    expect(claims).toMatchObject({ sub: user.id, sid });
    expect(Number(claims!.exp) - Date.now() / 1000).toBeGreaterThan(SESSION_MAX_AGE_S - 60);
    // In a page render cookies are read-only: the user is still signed in.
    jar.sets = [];
    jar.readOnly = true;
    expect(await getCurrentUser()).toMatchObject({ id: user.id });
  });

  it('treats a missing, malformed, forged, expired or incomplete cookie as anonymous', async () => {
    const user = await makeUser('Forger');
    const sid = await createSession(user.id, 'test');
    expect(await getCurrentUser()).toBeNull();
    for (const value of ['garbage.not.a.jwt', '', 'a'.repeat(5000)]) {
      jar.value = value;
      expect(await getCurrentUser(), value.slice(0, 20)).toBeNull();
    }
    jar.value = await cookieFor({ sub: user.id, sid }, SESSION_MAX_AGE_S, 'another-secret-another-secret-another');
    expect(await getCurrentUser()).toBeNull();
    jar.value = await cookieFor({ sub: user.id, sid }, -60);
    expect(await getCurrentUser()).toBeNull();
    jar.value = await cookieFor({ sub: user.id });
    expect(await getCurrentUser()).toBeNull();
    const other = await makeUser('Other');
    jar.value = await cookieFor({ sub: other.id, sid }); // someone else's session id
    expect(await getCurrentUser()).toBeNull();
  });
});
