import type { Metadata } from 'next';
import Link from 'next/link';
import { isEmailConfigured } from '@/lib/email';

export const metadata: Metadata = { title: 'Check your email' };

/** The one screen after every sign-up, whether or not the address already had an account. */
export default async function CheckEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const email = typeof sp.email === 'string' ? sp.email.slice(0, 254) : '';
  const login = `/login${email ? `?email=${encodeURIComponent(email)}` : ''}`;
  if (!isEmailConfigured()) {
    return (
      <>
        <h1 className="mb-4 text-xl font-semibold">Check your email</h1>
        <div className="space-y-3 text-sm text-slate-700">
          <p>This Trove server cannot send email, so no verification link was sent{email && <> to <span className="font-medium break-all">{email}</span></>}.</p>
          <p>You can log in now. To see datasets shared with your address, open the invitation link you were sent, or ask the operator to verify your address.</p>
        </div>
        <Link href={login} className="mt-6 inline-block font-medium text-indigo-700 underline">Log in</Link>
      </>
    );
  }
  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Check your email</h1>
      <div className="space-y-3 text-sm text-slate-700">
        <p>
          We sent a message to <span className="font-medium break-all">{email || 'your address'}</span>. Open the link in it to verify your address; it works
          for 24 hours.
        </p>
        <p>Nothing arrived after a few minutes? Check your spam folder, or log in and send yourself a new link.</p>
      </div>
      <Link href={login} className="mt-6 inline-block font-medium text-indigo-700 underline">Log in</Link>
    </>
  );
}
