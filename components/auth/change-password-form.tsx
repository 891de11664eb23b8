'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState, useTransition } from 'react';
import { useForm } from 'react-hook-form';
import { changePasswordAction } from '@/app/(app)/account/actions';
import { applyErrors } from '@/components/ui/apply-errors';
import { Button } from '@/components/ui/button';
import { FormMessage, TextField } from '@/components/ui/field';
import { changePasswordSchema, type ChangePasswordInput } from '@/lib/validation/auth';

export function ChangePasswordForm() {
  const [message, setMessage] = useState<string>();
  const [pending, startTransition] = useTransition();
  const form = useForm<ChangePasswordInput>({ resolver: zodResolver(changePasswordSchema), defaultValues: { currentPassword: '', newPassword: '' } });
  const { errors } = form.formState;
  const onSubmit = form.handleSubmit((values) =>
    startTransition(async () => {
      setMessage(undefined);
      const result = await changePasswordAction(values);
      if (result && !result.ok) setMessage(applyErrors(form.setError, result, ['currentPassword', 'newPassword']));
    }),
  );
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <FormMessage message={message} />
      <TextField label="Current password" type="password" autoComplete="current-password" error={errors.currentPassword?.message} {...form.register('currentPassword')} />
      <TextField label="New password" type="password" autoComplete="new-password" hint="At least 8 characters. You will be logged out everywhere." error={errors.newPassword?.message} {...form.register('newPassword')} />
      <Button type="submit" disabled={pending}>{pending ? 'Changing…' : 'Change password'}</Button>
    </form>
  );
}
