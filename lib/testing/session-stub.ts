import type { SessionUser } from '@/lib/users';

// Test files run in shared workers (vitest isolate: false), so a module mocked by one file may be the
// copy another file gets. The stubbed session therefore lives on globalThis: whichever file's mock a
// route or page module was bound to, every test file sets and reads the same signed-in user.
const g = globalThis as unknown as { __troveTestUser?: SessionUser | null };

/** The user every stubbed '@/lib/auth/session' answers with (null = anonymous). */
export const testSession = {
  get current(): SessionUser | null {
    return g.__troveTestUser ?? null;
  },
  set current(user: SessionUser | null) {
    g.__troveTestUser = user;
  },
};

/** The module to mock '@/lib/auth/session' with: `vi.mock('@/lib/auth/session', async () => (await import('@/lib/testing/session-stub')).stubbedSessionModule())`. */
export async function stubbedSessionModule() {
  const { redirect } = await import('next/navigation');
  return {
    getCurrentUser: async () => testSession.current,
    requireUser: async () => testSession.current ?? redirect('/login?callbackUrl=%2Fdatasets'),
  };
}
