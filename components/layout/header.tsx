import Link from 'next/link';
import { logoutAction } from '@/app/(app)/actions';
import { buttonClass } from '@/components/ui/button';

export function Header({ user, pendingInvitations }: { user: { name: string; email: string; emailVerified: boolean }; pendingInvitations: number }) {
  const link = 'rounded-md px-2 py-1 text-sm font-medium text-slate-700 hover:bg-slate-100';
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
        <Link href="/datasets" className="text-lg font-bold tracking-tight text-indigo-700" aria-label="Trove home">
          Trove
        </Link>
        <nav aria-label="Main" className="order-last flex w-full flex-wrap items-center gap-1 sm:order-none sm:w-auto sm:flex-1">
          <Link href="/datasets" className={link}>Datasets</Link>
          <Link href="/invitations" className={link}>
            Invitations
            {pendingInvitations > 0 && (
              <span className="ml-1 rounded-full bg-indigo-600 px-1.5 py-0.5 text-xs text-white">
                {pendingInvitations}
                <span className="sr-only"> pending</span>
              </span>
            )}
          </Link>
          <Link href="/teams" className={link}>Teams</Link>
        </nav>
        <div className="ml-auto flex items-center gap-3 sm:ml-0">
          {!user.emailVerified && (
            <Link href="/account#email" className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900 hover:underline">
              Verify your email
            </Link>
          )}
          <Link href="/account" className="max-w-[10rem] truncate text-sm text-slate-600 hover:underline" title={`${user.email}: account settings`}>{user.name}</Link>
          <form action={logoutAction}>
            <button type="submit" className={buttonClass('secondary', 'py-1')}>Log out</button>
          </form>
        </div>
      </div>
    </header>
  );
}
