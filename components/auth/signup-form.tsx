'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import Link from 'next/link';
import { useState, useTransition } from 'react';
import { useForm } from 'react-hook-form';
import { signupAction } from '@/app/(auth)/signup/actions';
import { applyErrors } from '@/components/ui/apply-errors';
import { Button } from '@/components/ui/button';
import { FormMessage, TextField } from '@/components/ui/field';
import { signupSchema, type SignupInput } from '@/lib/validation/auth';

export function SignupForm({ callbackUrl, email }: { callbackUrl: string; email?: string }) {
  const [message, setMessage] = useState<string>();
  const [pending, startTransition] = useTransition();
  const form = useForm<SignupInput>({ resolver: zodResolver(signupSchema), defaultValues: { name: '', email: email ?? '', password: '', callbackUrl } });
  const { errors } = form.formState;

  const onSubmit = form.handleSubmit((values) =>
    startTransition(async () => {
      setMessage(undefined);
      const result = await signupAction(values);
      if (result && !result.ok) setMessage(applyErrors(form.setError, result, ['name', 'email', 'password']));
    }),
  );

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
