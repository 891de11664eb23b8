'use server';

import { publicAction } from '@/lib/action';
import { signIn } from '@/lib/auth';
import { safeReturnPath } from '@/lib/auth/return-path';
import { signupSchema } from '@/lib/validation/auth';
import { createUser } from '@/lib/users';

export const signupAction = publicAction(signupSchema, async (input) => {
  await createUser(input);
  await signIn('credentials', { email: input.email, password: input.password, redirectTo: safeReturnPath(input.callbackUrl) });
});
