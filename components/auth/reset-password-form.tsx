'use client';

import { resetPasswordAction } from '@/app/(auth)/reset-password/[token]/actions';
import { Button } from '@/components/ui/button';
import { useActionForm } from '@/components/ui/use-action-form';
import { FormMessage, TextField } from '@/components/ui/field';
import { resetPasswordSchema, type ResetPasswordInput } from '@/lib/validation/auth';

export function ResetPasswordForm({ token }: { token: string }) {
  const { form, errors, onSubmit, message, pending } = useActionForm<ResetPasswordInput, void>(resetPasswordSchema, resetPasswordAction, { token, newPassword: '' });
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <FormMessage message={message} />
      <TextField label="New password" type="password" autoComplete="new-password" hint="At least 8 characters." error={errors.newPassword?.message} {...form.register('newPassword')} />
      <Button type="submit" disabled={pending} className="w-full">{pending ? 'Setting…' : 'Set password'}</Button>
    </form>
  );
}
