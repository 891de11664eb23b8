import type { Metadata } from 'next';
import { DeadLink, type DeadLinkCopy } from '@/components/auth/dead-link';
import { VerifyEmailForm } from '@/components/auth/verify-email-form';
import { inspectAccountToken } from '@/lib/accounts';

export const metadata: Metadata = { title: 'Verify your email address', referrer: 'no-referrer' };

const DEAD: DeadLinkCopy = {
  expired: { title: 'This verification link has expired', body: 'Verification links work for 24 hours. Log in and send yourself a new one from your account page.' },
  used: { title: 'This verification link was already used', body: 'Each link works once. If your address is verified, just log in.' },
  invalid: { title: 'This verification link is not valid', body: 'Check that you opened the whole link from the email, or log in and send yourself a new one.' },
};

/** Opening the link shows a button; the address is verified on submit (mail scanners open links). */
export default async function VerifyEmailPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const { state, email } = await inspectAccountToken('verify_email', token);
  if (state !== 'valid') return <DeadLink state={state} copy={DEAD} next={{ href: '/login', label: 'Log in' }} />;
  return (
    <>
      <h1 className="mb-2 text-xl font-semibold">Verify your email address</h1>
      <p className="mb-4 text-sm text-slate-600">
        Confirm that <span className="font-medium break-all">{email}</span> is yours. Datasets and teams shared with it will then show up in Trove.
      </p>
      <VerifyEmailForm token={token} />
    </>
  );
}
