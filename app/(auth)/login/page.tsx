import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { LoginForm } from '@/components/auth/login-form';
import { safeReturnPath } from '@/lib/auth/return-path';
import { getCurrentUser } from '@/lib/auth/session';

// The return path may be an invitation link carrying its token: never leak it through Referer.
export const metadata: Metadata = { title: 'Log in', referrer: 'no-referrer' };

function Notice({ children }: { children: React.ReactNode }) {
  return <p role="status" className="mb-4 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">{children}</p>;
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const callbackUrl = safeReturnPath(typeof sp.callbackUrl === 'string' ? sp.callbackUrl : null);
  if (await getCurrentUser()) redirect(callbackUrl);
  const email = typeof sp.email === 'string' ? sp.email.slice(0, 254) : undefined;
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Log in</h1>
      {sp.changed === '1' && <Notice>Your password was changed. Log in with the new one.</Notice>}
      {sp.verified === '1' && <Notice>Your email address is verified. Log in to continue.</Notice>}
      <LoginForm callbackUrl={callbackUrl} email={email} />
    </>
  );
}
