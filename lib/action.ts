import 'server-only';
import { headers } from 'next/headers';
import { unstable_rethrow } from 'next/navigation';
import type { z } from 'zod';
import { getCurrentUser } from '@/lib/auth/session';
import { AppError, isBadValueError, isDatabaseUnavailable, type ErrorCode } from '@/lib/errors';
import { UNAVAILABLE_MESSAGE } from '@/lib/http/responses';
import { isCrossSite } from '@/lib/http/origin';
import type { SessionUser } from '@/lib/users';

export type FieldErrors = Record<string, string>;
export type ActionFailure = { ok: false; code?: ErrorCode; formError?: string; fieldErrors?: FieldErrors };
export type ActionResult<T = undefined> = { ok: true; data: T } | ActionFailure;

const GENERIC = 'Something went wrong on our side. Please try again.';

function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || 'form';
    out[key] ??= issue.message;
  }
  return out;
}

/** Maps what a lib/ call throws to an action result: AppError → its message, anything else → logged, generic. */
export function toFailure(err: unknown): ActionFailure {
  unstable_rethrow(err); // redirect() and notFound() must reach Next
  if (err instanceof AppError) {
    return err.field ? { ok: false, code: err.code, fieldErrors: { [err.field]: err.message } } : { ok: false, code: err.code, formError: err.message };
  }
  if (isDatabaseUnavailable(err)) {
    console.warn('action failed: database unavailable');
    return { ok: false, code: 'UNAVAILABLE', formError: UNAVAILABLE_MESSAGE };
  }
  if (isBadValueError(err)) {
    // Logged without the query and its parameters (they can hold what the user typed, tokens included).
    console.error('action refused a value the database would not take:', (err as { code?: string }).code);
    return { ok: false, code: 'INVALID', formError: 'Some of what you entered contains characters or values that are not allowed.' };
  }
  console.error('action failed:', err);
  return { ok: false, formError: GENERIC };
}

async function parseAndRun<S extends z.ZodType, T>(schema: S, raw: unknown, fn: (input: z.output<S>) => Promise<T>): Promise<ActionResult<T>> {
  try {
    if (isCrossSite(await headers())) return { ok: false, code: 'FORBIDDEN', formError: 'Cross-site request refused.' };
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const fieldErrors = fieldErrorsOf(parsed.error);
      return { ok: false, code: 'INVALID', fieldErrors, formError: fieldErrors.form };
    }
    return { ok: true, data: await fn(parsed.data) };
  } catch (err) {
    return toFailure(err);
  }
}

/** An action anyone may call (sign-up, log-in): origin check, zod parse, error mapping. */
export function publicAction<S extends z.ZodType, T>(schema: S, fn: (input: z.output<S>) => Promise<T>) {
  return async (raw: z.input<S>): Promise<ActionResult<T>> => parseAndRun(schema, raw, fn);
}

/** An action on behalf of the signed-in user; identity comes only from the session. */
export function userAction<S extends z.ZodType, T>(schema: S, fn: (user: SessionUser, input: z.output<S>) => Promise<T>) {
  return async (raw: z.input<S>): Promise<ActionResult<T>> =>
    parseAndRun(schema, raw, async (input) => {
      const user = await getCurrentUser();
      if (!user) throw new AppError('UNAUTHENTICATED', 'Your session has ended. Log in again.');
      return fn(user, input);
    });
}
