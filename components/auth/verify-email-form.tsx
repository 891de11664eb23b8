'use client';

import { verifyEmailAction } from '@/app/(auth)/verify-email/[token]/actions';
import { Button } from '@/components/ui/button';
import { useActionForm } from '@/components/ui/use-action-form';
import { FormMessage } from '@/components/ui/field';
import { verifyEmailSchema } from '@/lib/validation/auth';

export function VerifyEmailForm({ token }: { token: string }) {
  const { onSubmit, message, pending } = useActionForm<{ token: string }, void>(verifyEmailSchema, verifyEmailAction, { token });
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <FormMessage message={message} />
      <Button type="submit" disabled={pending} className="w-full">{pending ? 'Verifying…' : 'Verify email address'}</Button>
    </form>
  );
}
