import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { SignupForm } from '@/components/auth/signup-form';
import { safeReturnPath } from '@/lib/auth/return-path';
import { getCurrentUser } from '@/lib/auth/session';

// The return path may be an invitation link carrying its token: never leak it through Referer.
export const metadata: Metadata = { title: 'Sign up', referrer: 'no-referrer' };

export default async function SignupPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const callbackUrl = safeReturnPath(typeof sp.callbackUrl === 'string' ? sp.callbackUrl : null);
  if (await getCurrentUser()) redirect(callbackUrl);
  const email = typeof sp.email === 'string' ? sp.email.slice(0, 254) : undefined;
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Create your account</h1>
      <SignupForm callbackUrl={callbackUrl} email={email} />
    </>
  );
}
