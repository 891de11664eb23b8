import 'server-only';
import { decode, encode } from 'next-auth/jwt';
import { config } from '@/lib/config';
import { getAuthSecret } from './secret';
import { SESSION_MAX_AGE_S } from './sessions';

/**
 * Auth.js's own session cookie (lib/auth/index.ts issues it at log-in), read and re-issued without
 * Next: lib/auth/session.ts uses these through next/headers, the download fast path (lib/downloads/)
 * on Node's request and response. The cookie's name doubles as the salt of its encryption key.
 */

export const secureCookies = () => config.appUrl.startsWith('https://');
export const sessionCookieName = () => (secureCookies() ? '__Secure-authjs.session-token' : 'authjs.session-token');
// The cookie is re-issued when less than this much of its lifetime is left (only where a response can
// still set cookies: server actions and route handlers — a page cannot).
export const REFRESH_BELOW_S = SESSION_MAX_AGE_S / 2;

export type SessionClaims = { sub: string; sid: string; exp?: number };

// Decrypted cookies (value → claims), so a browser's every request costs no key derivation and
// decryption (a good part of a small download's CPU): a value is only ever stored here after it
// decrypted and verified under the current secret, and it is used only until the expiry it carries.
// The session row is still checked on every request (lib/auth/sessions.ts), so logging out or ending
// a session takes effect at once; a new auth secret empties the cache.
const decoded = new Map<string, SessionClaims & { exp: number }>();
let decodedUnder = '';
const MAX_DECODED = 10_000;

/** The claims of a cookie's value; null when it is malformed, forged, expired or lacks the ids. */
export async function decodeSessionCookie(token: string): Promise<SessionClaims | null> {
  const secret = getAuthSecret();
  if (secret !== decodedUnder) {
    decoded.clear();
    decodedUnder = secret;
  }
  const known = decoded.get(token);
  if (known && known.exp * 1000 > Date.now()) return known;
  let claims: { sub?: unknown; sid?: unknown; exp?: unknown } | null;
  try {
    claims = await decode({ token, secret, salt: sessionCookieName() });
  } catch {
    return null; // a malformed, forged or expired cookie is an anonymous visitor, never a 500
  }
  const checked = checkClaims(claims);
  if (checked && typeof checked.exp === 'number') {
    if (decoded.size >= MAX_DECODED) decoded.clear();
    decoded.set(token, checked as SessionClaims & { exp: number });
  }
  return checked;
}

export function checkClaims(claims: { sub?: unknown; sid?: unknown; exp?: unknown } | null): SessionClaims | null {
  const { sub, sid, exp } = claims ?? {};
  if (typeof sub !== 'string' || !sub || typeof sid !== 'string') return null;
  return { sub, sid, ...(typeof exp === 'number' ? { exp } : {}) };
}

/** Whether a cookie with these claims is due to be re-issued (less than half its lifetime left). */
export const needsRefresh = (claims: SessionClaims) => typeof claims.exp === 'number' && claims.exp - Date.now() / 1000 < REFRESH_BELOW_S;

/** A fresh cookie value for the same session, good for another full lifetime. */
export function encodeSessionCookie(claims: SessionClaims): Promise<string> {
  return encode({ token: { sub: claims.sub, sid: claims.sid }, secret: getAuthSecret(), salt: sessionCookieName(), maxAge: SESSION_MAX_AGE_S });
}

/** The options the cookie is set with (as Auth.js sets it). */
export const sessionCookieOptions = () => ({ httpOnly: true, sameSite: 'lax' as const, path: '/', secure: secureCookies(), maxAge: SESSION_MAX_AGE_S });
