import type { Metadata } from 'next';
import Link from 'next/link';
import { ResetPasswordForm } from '@/components/auth/reset-password-form';
import { inspectAccountToken } from '@/lib/accounts';

export const metadata: Metadata = { title: 'Choose a new password', referrer: 'no-referrer' };

const DEAD: Record<string, { title: string; body: string }> = {
  expired: { title: 'This reset link has expired', body: 'Reset links work for 1 hour. Ask for a new one.' },
  used: { title: 'This reset link was already used', body: 'Each reset link works once. If you still need to reset your password, ask for a new one.' },
  invalid: { title: 'This reset link is not valid', body: 'Check that you opened the whole link from the email, or ask for a new one.' },
};

/** Opening the link only shows the form; the password changes on submit. */
export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const { state, email } = await inspectAccountToken('reset_password', token);
  if (state !== 'valid') {
    const dead = DEAD[state];
    return (
      <>
        <h1 className="mb-3 text-xl font-semibold">{dead.title}</h1>
        <p className="text-sm text-slate-700">{dead.body}</p>
        <Link href="/forgot-password" className="mt-6 inline-block font-medium text-indigo-700 underline">Send a new reset link</Link>
      </>
    );
  }
  return (
    <>
      <h1 className="mb-2 text-xl font-semibold">Choose a new password</h1>
      <p className="mb-4 text-sm text-slate-600">
        For <span className="font-medium break-all">{email}</span>. Setting it logs out every session of this account.
      </p>
      <ResetPasswordForm token={token} />
    </>
  );
}
