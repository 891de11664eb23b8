import type { Metadata } from 'next';
import Link from 'next/link';
import { ForgotPasswordForm } from '@/components/auth/forgot-password-form';
import { isEmailConfigured } from '@/lib/email';

export const metadata: Metadata = { title: 'Forgot password' };

export default async function ForgotPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const email = typeof sp.email === 'string' ? sp.email.slice(0, 254) : '';
  return (
    <>
      <h1 className="mb-2 text-xl font-semibold">Forgot your password?</h1>
      {isEmailConfigured() ? (
        <>
          <p className="mb-4 text-sm text-slate-600">Enter your email address and we will send you a link to choose a new password.</p>
          <ForgotPasswordForm email={email} />
        </>
      ) : (
        <p className="mb-4 text-sm text-slate-700">
          This Trove server cannot send email, so reset links cannot be mailed. Ask the operator to run{' '}
          <code className="rounded bg-slate-100 px-1">npm run trove -- reset-password &lt;your address&gt;</code> and pass you the one-time link it prints.
        </p>
      )}
      <p className="mt-4 text-center text-sm text-slate-600">
        Remembered it? <Link className="font-medium text-indigo-700 underline" href="/login">Log in</Link>
      </p>
    </>
  );
}
