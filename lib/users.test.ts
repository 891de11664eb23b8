import { describe, expect, it } from 'vitest';
import { getDb } from '@/db/client';
import { users } from '@/db/schema';
import { eq } from 'drizzle-orm';
import { signupSchema } from '@/lib/validation/auth';
import { uniqueEmail } from '@/lib/testing/factories';
import { createUser, renameUser, verifyCredentials } from './users';

describe('accounts', () => {
  it('normalizes the email, stores an argon2id hash and verifies the password', async () => {
    const email = uniqueEmail('Norm');
    const input = signupSchema.parse({ name: ' Ada ', email: `  ${email.toUpperCase()}  `, password: 'password123' });
    const user = await createUser(input);
    expect(user.email).toBe(email.toLowerCase());
    expect(user.name).toBe('Ada');
    expect(user.emailVerified).toBe(false);
    const db = await getDb();
    const [row] = await db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, user.id));
    expect(row.hash.startsWith('$argon2id$')).toBe(true);
    expect(await verifyCredentials(email.toLowerCase(), 'password123')).toMatchObject({ id: user.id });
    expect(await verifyCredentials(email.toLowerCase(), 'password124')).toBeNull();
    expect(await verifyCredentials(uniqueEmail('nobody'), 'password123')).toBeNull();
  });

  it('refuses a duplicate email at the database (the sign-up flow answers it without saying so)', async () => {
    const email = uniqueEmail('dup');
    await createUser({ name: 'A', email, password: 'password123' });
    await expect(createUser({ name: 'B', email, password: 'password456' })).rejects.toMatchObject({ code: 'CONFLICT', field: 'email' });
  });

  it('validates sign-up input with clear messages', () => {
    const r = signupSchema.safeParse({ name: '', email: 'not-an-email', password: 'short' });
    expect(r.success).toBe(false);
    const messages = r.error!.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
    expect(messages).toContain('name: Name is required.');
    expect(messages).toContain('email: Enter a valid email address.');
    expect(messages).toContain('password: Password must be at least 8 characters.');
    expect(signupSchema.safeParse({ name: 'a\u0000b', email: 'a@b.co', password: 'password123' }).success).toBe(false);
    expect(signupSchema.safeParse({ name: 'x'.repeat(10_000), email: 'a@b.co', password: 'password123' }).success).toBe(false);
    expect(signupSchema.safeParse({ name: 42, email: [], password: null }).success).toBe(false);
  });

  it('changes the display name', async () => {
    const email = uniqueEmail('name');
    const user = await createUser({ name: 'Old Name', email, password: 'password123' });
    await renameUser(user.id, 'New Name');
    expect(await verifyCredentials(email, 'password123')).toMatchObject({ name: 'New Name' });
  });
});
