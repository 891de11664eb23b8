'use server';

import { signOut } from '@/lib/auth';

/** "Switch account": log out and come back to the same invitation. */
export async function switchAccountAction(token: string): Promise<void> {
  const safe = /^[A-Za-z0-9_-]{1,100}$/.test(token) ? token : '';
  await signOut({ redirectTo: `/login?callbackUrl=${encodeURIComponent(`/invite/${safe}`)}` });
}
