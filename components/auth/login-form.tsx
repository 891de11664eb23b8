'use client';

import Link from 'next/link';
import { loginAction } from '@/app/(auth)/login/actions';
import { Button } from '@/components/ui/button';
import { useActionForm } from '@/components/ui/use-action-form';
import { FormMessage, TextField } from '@/components/ui/field';
import { loginSchema, type LoginInput } from '@/lib/validation/auth';

export function LoginForm({ callbackUrl, email }: { callbackUrl: string; email?: string }) {
  const { form, errors, onSubmit, message, pending } = useActionForm<LoginInput, void>(
    loginSchema,
    loginAction,
    { email: email ?? '', password: '', callbackUrl },
    { onFailure: () => form.setValue('password', '') },
  );

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <FormMessage message={message} />
      <TextField label="Email" type="email" autoComplete="email" error={errors.email?.message} {...form.register('email')} />
      <TextField label="Password" type="password" autoComplete="current-password" error={errors.password?.message} {...form.register('password')} />
      <p className="-mt-2 text-right text-sm">
        <Link className="text-indigo-700 underline" href="/forgot-password">Forgot password?</Link>
      </p>
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
