import { notFound } from 'next/navigation';
import { AppError } from '@/lib/errors';

/** For pages: a lib/ call's NOT_FOUND becomes the app's 404 page (the same one as for a missing id). */
export async function orNotFound<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') notFound();
    throw err;
  }
}
