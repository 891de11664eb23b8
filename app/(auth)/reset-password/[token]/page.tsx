import type { Metadata } from 'next';
import { DeadLink, type DeadLinkCopy } from '@/components/auth/dead-link';
import { ResetPasswordForm } from '@/components/auth/reset-password-form';
import { inspectAccountToken } from '@/lib/accounts';

export const metadata: Metadata = { title: 'Choose a new password', referrer: 'no-referrer' };

const DEAD: DeadLinkCopy = {
  expired: { title: 'This reset link has expired', body: 'Reset links work for 1 hour. Ask for a new one.' },
  used: { title: 'This reset link was already used', body: 'Each reset link works once. If you still need to reset your password, ask for a new one.' },
  invalid: { title: 'This reset link is not valid', body: 'Check that you opened the whole link from the email, or ask for a new one.' },
};

/** Opening the link only shows the form; the password changes on submit. */
export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const { state, email } = await inspectAccountToken('reset_password', token);
  if (state !== 'valid') return <DeadLink state={state} copy={DEAD} next={{ href: '/forgot-password', label: 'Send a new reset link' }} />;
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
