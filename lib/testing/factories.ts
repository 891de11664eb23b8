import crypto from 'node:crypto';
import { createUser } from '@/lib/users';

/** A unique, valid email for one test. */
export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 12)}@example.test`;
}

/** A fresh user with a known password. */
export async function makeUser(name = 'Test User') {
  return createUser({ name, email: uniqueEmail(name.split(' ')[0].toLowerCase()), password: 'correct horse battery' });
}
