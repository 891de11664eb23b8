import 'server-only';
import { getDb } from '@/db/client';
import { endUserSessions } from '@/lib/auth/sessions';
import { AppError } from '@/lib/errors';
import { checkPassword, hashPassword, setPasswordHash } from '@/lib/users';

/** Changes the password after checking the current one, and ends every session of the account (this one too). */
export async function changePassword(userId: string, currentPassword: string, newPassword: string): Promise<void> {
  if (!(await checkPassword(userId, currentPassword))) {
    throw new AppError('INVALID', 'Your current password is not correct.', 'currentPassword');
  }
  const passwordHash = await hashPassword(newPassword);
  const db = await getDb();
  await db.transaction(async (tx) => {
    await setPasswordHash(tx, userId, passwordHash);
    await endUserSessions(tx, userId);
  });
}
