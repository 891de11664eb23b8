'use client';

import { changePasswordAction } from '@/app/(app)/account/actions';
import { Button } from '@/components/ui/button';
import { useActionForm } from '@/components/ui/use-action-form';
import { FormMessage, TextField } from '@/components/ui/field';
import { changePasswordSchema, type ChangePasswordInput } from '@/lib/validation/auth';

export function ChangePasswordForm() {
  const { form, errors, onSubmit, message, pending } = useActionForm<ChangePasswordInput, void>(changePasswordSchema, changePasswordAction, { currentPassword: '', newPassword: '' });
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <FormMessage message={message} />
      <TextField label="Current password" type="password" autoComplete="current-password" error={errors.currentPassword?.message} {...form.register('currentPassword')} />
      <TextField label="New password" type="password" autoComplete="new-password" hint="At least 8 characters. You will be logged out everywhere." error={errors.newPassword?.message} {...form.register('newPassword')} />
      <Button type="submit" disabled={pending}>{pending ? 'Changing…' : 'Change password'}</Button>
    </form>
  );
}
