import type { Metadata } from 'next';
import { ChangePasswordForm } from '@/components/auth/change-password-form';
import { requireUser } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'Account' };

export default async function AccountPage() {
  const user = await requireUser();
  return (
    <div className="mx-auto max-w-xl space-y-6">
      <h1 className="text-2xl font-semibold">Account</h1>
      <section className="rounded-xl border border-slate-200 bg-white p-6">
        <p className="font-medium">{user.name}</p>
        <p className="text-sm text-slate-600">{user.email}</p>
      </section>
      <section aria-labelledby="password-heading" className="rounded-xl border border-slate-200 bg-white p-6">
        <h2 id="password-heading" className="mb-4 text-lg font-semibold">Change password</h2>
        <ChangePasswordForm />
      </section>
    </div>
  );
}
