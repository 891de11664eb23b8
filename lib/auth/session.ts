import 'server-only';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import type { SessionUser } from '@/lib/users';
import { safeReturnPath } from './return-path';
import { checkClaims, decodeSessionCookie, encodeSessionCookie, needsRefresh, sessionCookieName, sessionCookieOptions, type SessionClaims } from './session-cookie';
import { findSessionUser } from './sessions';

type Claims = { sub?: unknown; sid?: unknown; exp?: unknown };

// Reading the cookie here decrypts it once; Auth.js's auth() also re-encrypts a fresh cookie on every
// call (thrown away in pages), which was a good part of every request's cost.
async function readClaims(): Promise<Claims | null> {
  const jar = await cookies();
  const name = sessionCookieName();
  const token = jar.get(name)?.value;
  if (!token) {
    // A token too large for one cookie is split (name.0, name.1…); ours carry two ids and never are,
    // but Auth.js can read such a cookie if one ever turns up.
    if (!jar.has(`${name}.0`)) return null;
    const { auth } = await import('./index');
    const session = (await auth()) as { user?: { id?: string }; sid?: string } | null;
    return session ? { sub: session.user?.id, sid: session.sid } : null;
  }
  return decodeSessionCookie(token);
}

async function refreshCookie(claims: SessionClaims): Promise<void> {
  const value = await encodeSessionCookie(claims);
  try {
    (await cookies()).set(sessionCookieName(), value, sessionCookieOptions());
  } catch {
    // Rendering a page: cookies are read-only there; the next action or download refreshes it.
  }
}

/** The signed-in user, checked against the sessions table on every request; null when anonymous. */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  let claims: SessionClaims | null;
  try {
    claims = checkClaims(await readClaims());
  } catch {
    return null; // a malformed, forged or expired cookie is an anonymous visitor, never a 500
  }
  if (!claims) return null;
  const user = await findSessionUser(claims.sid, claims.sub);
  if (user && needsRefresh(claims)) await refreshCookie(claims);
  return user;
});

/** The signed-in user, or a redirect to /login that comes back to the page asked for. */
export async function requireUser(returnTo?: string): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (user) return user;
  const path = safeReturnPath(returnTo ?? (await headers()).get('x-trove-path'));
  redirect(`/login?callbackUrl=${encodeURIComponent(path)}`);
}
