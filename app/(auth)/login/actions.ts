'use server';

import { AuthError } from 'next-auth';
import { publicAction } from '@/lib/action';
import { signIn } from '@/lib/auth';
import { safeReturnPath } from '@/lib/auth/return-path';
import { AppError } from '@/lib/errors';
import { loginSchema } from '@/lib/validation/auth';

const GENERIC = 'Incorrect email or password.';

export const loginAction = publicAction(loginSchema, async (input) => {
  try {
    await signIn('credentials', { email: input.email, password: input.password, redirectTo: safeReturnPath(input.callbackUrl) });
  } catch (err) {
    if (!(err instanceof AuthError)) throw err; // NEXT_REDIRECT on success
    const code = (err as { code?: string }).code ?? '';
    const throttled = /^throttled:(\d+)$/.exec(code);
    if (throttled) throw new AppError('RATE_LIMITED', `Too many failed attempts. Try again in ${throttled[1]} seconds.`);
    throw new AppError('INVALID', GENERIC);
  }
});
