import 'server-only';
import { decode, encode } from 'next-auth/jwt';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { config } from '@/lib/config';
import type { SessionUser } from '@/lib/users';
import { safeReturnPath } from './return-path';
import { getAuthSecret } from './secret';
import { findSessionUser, SESSION_MAX_AGE_S } from './sessions';

// Auth.js's own session cookie (lib/auth/index.ts issues it at log-in): the name doubles as the salt of
// its encryption key. Reading it here decrypts it once; Auth.js's auth() also re-encrypts a fresh
// cookie on every call (thrown away in pages), which was a good part of every request's cost.
const secure = () => config.appUrl.startsWith('https://');
const cookieName = () => (secure() ? '__Secure-authjs.session-token' : 'authjs.session-token');
// The cookie is re-issued when less than this much of its lifetime is left (only where a response can
// still set cookies: server actions and route handlers — a page cannot).
const REFRESH_BELOW_S = SESSION_MAX_AGE_S / 2;

type Claims = { sub?: unknown; sid?: unknown; exp?: unknown };

async function readClaims(): Promise<Claims | null> {
  const jar = await cookies();
  const name = cookieName();
  const token = jar.get(name)?.value;
  if (!token) {
    // A token too large for one cookie is split (name.0, name.1…); ours carry two ids and never are,
    // but Auth.js can read such a cookie if one ever turns up.
    if (!jar.has(`${name}.0`)) return null;
    const { auth } = await import('./index');
    const session = (await auth()) as { user?: { id?: string }; sid?: string } | null;
    return session ? { sub: session.user?.id, sid: session.sid } : null;
  }
  return (await decode({ token, secret: getAuthSecret(), salt: name })) as Claims | null;
}

async function refreshCookie(claims: { sub: string; sid: string }): Promise<void> {
  const name = cookieName();
  const value = await encode({ token: { sub: claims.sub, sid: claims.sid }, secret: getAuthSecret(), salt: name, maxAge: SESSION_MAX_AGE_S });
  try {
    (await cookies()).set(name, value, { httpOnly: true, sameSite: 'lax', path: '/', secure: secure(), maxAge: SESSION_MAX_AGE_S });
  } catch {
    // Rendering a page: cookies are read-only there; the next action or download refreshes it.
  }
}

/** The signed-in user, checked against the sessions table on every request; null when anonymous. */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  let claims: Claims | null;
  try {
    claims = await readClaims();
  } catch {
    return null; // a malformed, forged or expired cookie is an anonymous visitor, never a 500
  }
  const { sub, sid, exp } = claims ?? {};
  if (typeof sub !== 'string' || !sub || typeof sid !== 'string') return null;
  const user = await findSessionUser(sid, sub);
  if (user && typeof exp === 'number' && exp - Date.now() / 1000 < REFRESH_BELOW_S) await refreshCookie({ sub, sid });
  return user;
});

/** The signed-in user, or a redirect to /login that comes back to the page asked for. */
export async function requireUser(returnTo?: string): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (user) return user;
  const path = safeReturnPath(returnTo ?? (await headers()).get('x-trove-path'));
  redirect(`/login?callbackUrl=${encodeURIComponent(path)}`);
}
