import { Header } from '@/components/layout/header';
import { requireUser } from '@/lib/auth/session';
import { countMyInvitations } from '@/lib/invitations';

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  return (
    <>
      <Header user={user} pendingInvitations={await countMyInvitations(user)} />
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </>
  );
}
