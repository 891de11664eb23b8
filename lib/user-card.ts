import 'server-only';
import { eq } from 'drizzle-orm';
import { cache } from 'react';
import { getDb } from '@/db/client';
import { users } from '@/db/schema';

/**
 * A user's id, name and email (e.g. a dataset's owner), looked up once per page render: the layout's
 * header and the people list both show the owner. Outside a render (tests, route handlers) every call
 * asks the database.
 */
export const userCard = cache(async (id: string): Promise<{ id: string; name: string; email: string }> => {
  const db = await getDb();
  const [row] = await db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(eq(users.id, id));
  return row;
});
