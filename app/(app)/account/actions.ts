'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { userAction } from '@/lib/action';
import { changePassword, resendVerificationEmail } from '@/lib/accounts';
import { endOtherSessions } from '@/lib/auth/sessions';
import { config } from '@/lib/config';
import { createAccessKey, listKeyableDatasets, revokeAccessKey } from '@/lib/s3/keys';
import { renameUser } from '@/lib/users';
import { setNotificationSetting } from '@/lib/sharing-notices';
import { z } from 'zod';
import { createAccessKeySchema, revokeAccessKeySchema } from '@/lib/validation/access-keys';
import { changePasswordSchema, noInputSchema, renameUserSchema } from '@/lib/validation/auth';

export const changePasswordAction = userAction(changePasswordSchema, async (user, { currentPassword, newPassword }) => {
  await changePassword(user.id, currentPassword, newPassword);
  // Every session of the account has ended, this one included.
  redirect(`/login?changed=1&email=${encodeURIComponent(user.email)}`);
});

export const renameUserAction = userAction(renameUserSchema, async (user, { name }) => {
  await renameUser(user.id, name);
  revalidatePath('/', 'layout');
  return { name };
});

export const resendVerificationAction = userAction(noInputSchema, async (user) => resendVerificationEmail(user));

export const logoutOtherSessionsAction = userAction(noInputSchema, async (user) => {
  const ended = await endOtherSessions(user);
  revalidatePath('/account');
  return { ended };
});

export const createAccessKeyAction = userAction(createAccessKeySchema, async (user, input) => {
  const created = await createAccessKey(user.id, {
    name: input.name,
    readOnly: input.access === 'readonly',
    datasetId: input.datasetId === 'all' ? null : input.datasetId,
    // The end of the chosen day, UTC: a key "expiring on the 5th" works all of the 5th.
    expiresAt: input.expires ? new Date(`${input.expires}T23:59:59.999Z`) : null,
  });
  revalidatePath('/account');
  return { accessKeyId: created.accessKeyId, secretAccessKey: created.secretAccessKey, endpoint: `${config.appUrl}/s3` };
});

/** The key form's "Datasets" choices, fetched when the form opens (a user may reach thousands). */
export const keyableDatasetsAction = userAction(noInputSchema, async (user) => (await listKeyableDatasets(user.id)).map(({ id, label }) => ({ id, label })));

export const revokeAccessKeyAction = userAction(revokeAccessKeySchema, async (user, { keyId }) => {
  await revokeAccessKey(user.id, keyId);
  revalidatePath('/account');
});

export const setNotificationAction = userAction(z.object({ kind: z.enum(['team-shares']), on: z.boolean() }), async (user, { kind, on }) => {
  await setNotificationSetting(user.id, kind, on);
  revalidatePath('/account');
});
