import 'server-only';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import type { SessionUser } from '@/lib/users';
import { auth } from './index';
import { safeReturnPath } from './return-path';
import { findSessionUser } from './sessions';

/** The signed-in user, checked against the sessions table on every request; null when anonymous. */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  let session: { user?: { id?: string }; sid?: string } | null;
  try {
    session = (await auth()) as typeof session;
  } catch {
    return null; // a malformed cookie is an anonymous visitor, never a 500
  }
  const id = session?.user?.id;
  if (!id || typeof session?.sid !== 'string') return null;
  return findSessionUser(session.sid, id);
});

/** The signed-in user, or a redirect to /login that comes back to the page asked for. */
export async function requireUser(returnTo?: string): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (user) return user;
  const path = safeReturnPath(returnTo ?? (await headers()).get('x-trove-path'));
  redirect(`/login?callbackUrl=${encodeURIComponent(path)}`);
}
