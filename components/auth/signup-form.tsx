'use client';

import Link from 'next/link';
import { signupAction } from '@/app/(auth)/signup/actions';
import { Button } from '@/components/ui/button';
import { useActionForm } from '@/components/ui/use-action-form';
import { FormMessage, TextField } from '@/components/ui/field';
import { signupSchema, type SignupInput } from '@/lib/validation/auth';

export function SignupForm({ callbackUrl, email }: { callbackUrl: string; email?: string }) {
  const { form, errors, onSubmit, message, pending } = useActionForm<SignupInput, void>(signupSchema, signupAction, { name: '', email: email ?? '', password: '', callbackUrl });

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <FormMessage message={message} />
      <TextField label="Name" autoComplete="name" error={errors.name?.message} {...form.register('name')} />
      <TextField label="Email" type="email" autoComplete="email" error={errors.email?.message} {...form.register('email')} />
      <TextField label="Password" type="password" autoComplete="new-password" hint="At least 8 characters." error={errors.password?.message} {...form.register('password')} />
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? 'Creating account…' : 'Create account'}
      </Button>
      <p className="text-center text-sm text-slate-600">
        Already have an account?{' '}
        <Link className="font-medium text-indigo-700 underline" href={`/login?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
          Log in
        </Link>
      </p>
    </form>
  );
}
