import { isWellFormedToken } from '@/lib/secret-token';

/** The invitation token when a return path is an invitation link (`/invite/<token>`), else undefined. */
export function inviteTokenOf(returnPath: string): string | undefined {
  const m = /^\/invite\/([^/?#]+)$/.exec(returnPath);
  return m && isWellFormedToken(m[1]) ? m[1] : undefined;
}
