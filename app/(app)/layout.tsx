import { Header } from '@/components/layout/header';
import { requireUser } from '@/lib/auth/session';
import { countMyInvitations } from '@/lib/invitations';

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  return (
    <>
      <a href="#main" className="sr-only rounded-md bg-white px-3 py-2 text-sm font-medium text-indigo-700 shadow focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50">
        Skip to content
      </a>
      <Header user={user} pendingInvitations={await countMyInvitations(user)} />
      <main id="main" tabIndex={-1} className="mx-auto max-w-6xl px-4 py-6 outline-none">{children}</main>
    </>
  );
}
