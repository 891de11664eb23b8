'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import Link from 'next/link';
import { useState, useTransition } from 'react';
import { useForm } from 'react-hook-form';
import { loginAction } from '@/app/(auth)/login/actions';
import { applyErrors } from '@/components/ui/apply-errors';
import { Button } from '@/components/ui/button';
import { FormMessage, TextField } from '@/components/ui/field';
import { loginSchema, type LoginInput } from '@/lib/validation/auth';

export function LoginForm({ callbackUrl, email }: { callbackUrl: string; email?: string }) {
  const [message, setMessage] = useState<string>();
  const [pending, startTransition] = useTransition();
  const form = useForm<LoginInput>({ resolver: zodResolver(loginSchema), defaultValues: { email: email ?? '', password: '', callbackUrl } });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit((values) =>
    startTransition(async () => {
      setMessage(undefined);
      const result = await loginAction(values);
      if (result && !result.ok) {
        setMessage(applyErrors(form.setError, result, ['email']));
        form.setValue('password', '');
      }
    }),
  );

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <FormMessage message={message} />
      <TextField label="Email" type="email" autoComplete="email" error={errors.email?.message} {...form.register('email')} />
      <TextField label="Password" type="password" autoComplete="current-password" error={errors.password?.message} {...form.register('password')} />
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? 'Logging in…' : 'Log in'}
      </Button>
      <p className="text-center text-sm text-slate-600">
        New to Trove?{' '}
        <Link className="font-medium text-indigo-700 underline" href={`/signup?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
          Sign up
        </Link>
      </p>
    </form>
  );
}
