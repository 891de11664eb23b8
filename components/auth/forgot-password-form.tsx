'use client';

import { useState } from 'react';
import { forgotPasswordAction } from '@/app/(auth)/forgot-password/actions';
import { Button } from '@/components/ui/button';
import { useActionForm } from '@/components/ui/use-action-form';
import { FormMessage, TextField } from '@/components/ui/field';
import { forgotPasswordSchema, type ForgotPasswordInput } from '@/lib/validation/auth';

export function ForgotPasswordForm({ email }: { email?: string }) {
  const [sentTo, setSentTo] = useState<string>();
  const { form, errors, onSubmit, message, pending } = useActionForm<ForgotPasswordInput, { email: string }>(
    forgotPasswordSchema,
    forgotPasswordAction,
    { email: email ?? '' },
    { onSuccess: (data) => setSentTo(data.email) },
  );
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <FormMessage message={message} />
      {sentTo && (
        <FormMessage
          tone="info"
          message={`If ${sentTo} has a Trove account, a reset link is on its way. It works once, for 1 hour. Check your spam folder if it does not arrive.`}
        />
      )}
      <TextField label="Email" type="email" autoComplete="email" error={errors.email?.message} {...form.register('email')} />
      <Button type="submit" disabled={pending} className="w-full">{pending ? 'Sending…' : 'Send reset link'}</Button>
    </form>
  );
}
