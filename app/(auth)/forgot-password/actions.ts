'use server';

import { publicAction } from '@/lib/action';
import { requestPasswordReset } from '@/lib/accounts';
import { clientIp } from '@/lib/auth/client-ip';
import { forgotPasswordSchema } from '@/lib/validation/auth';

export const forgotPasswordAction = publicAction(forgotPasswordSchema, async ({ email }) => {
  await requestPasswordReset(email, await clientIp());
  return { email };
});
