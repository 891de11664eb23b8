import { AppError, isBadValueError, isDatabaseUnavailable } from '@/lib/errors';

/** Seconds a client is asked to wait after a 503 (a database restart takes about a second). */
export const RETRY_AFTER_SECONDS = 5;

export const UNAVAILABLE_MESSAGE = 'Trove cannot reach its database right now. Please try again in a few seconds.';

/** A JSON answer that no cache keeps. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { 'Cache-Control': 'no-store', ...headers } });
}

/**
 * The answer of a route handler for what it caught: an AppError's status and message; a database that
 * cannot be reached → 503 with Retry-After; a value PostgreSQL refuses → 400; anything else is logged
 * and answered with a generic 500.
 */
export function errorResponse(err: unknown, where = 'route'): Response {
  if (err instanceof AppError) {
    return jsonResponse(err.status, { error: err.message }, err.status === 503 ? { 'Retry-After': String(RETRY_AFTER_SECONDS) } : {});
  }
  if (isDatabaseUnavailable(err)) {
    console.warn(`Trove: ${where}: database unavailable (${describe(err)}); answered 503.`);
    return jsonResponse(503, { error: UNAVAILABLE_MESSAGE }, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
  }
  if (isBadValueError(err)) {
    // Logged without the query and its parameters (they can hold what the user typed).
    console.warn(`Trove: ${where}: the database refused a value (${describe(err)}); answered 400.`);
    return jsonResponse(400, { error: 'The request holds characters or values that are not allowed.' });
  }
  console.error(`${where} failed:`, err);
  return jsonResponse(500, { error: 'Something went wrong on our side. Please try again.' });
}

function describe(err: unknown): string {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string') return e.code;
  }
  return 'unknown';
}
