export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'EXPIRED'
  | 'RATE_LIMITED'
  | 'INVALID'
  | 'LOCKED'
  | 'TOO_LARGE'
  | 'STORAGE_FULL'
  | 'UNAVAILABLE';

const STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  CONFLICT: 409,
  EXPIRED: 410,
  RATE_LIMITED: 429,
  INVALID: 422,
  LOCKED: 423,
  TOO_LARGE: 413,
  STORAGE_FULL: 507,
  UNAVAILABLE: 503,
};

/** An expected failure whose message is safe to show to the user. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export const notFound = (what = 'Not found') => new AppError('NOT_FOUND', what);
export const forbidden = (msg = 'You do not have permission to do that.') => new AppError('FORBIDDEN', msg);

/** True when a database error is a unique-constraint violation (PostgreSQL 23505), on either driver. */
export function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505') return true;
  }
  return false;
}

/**
 * True for PostgreSQL's complaints about a value rather than about us: NUL or invalid bytes in text
 * (22021, 22P05), a malformed literal (22P02), an out-of-range date or number (22007, 22008, 22003).
 * Input checks should have refused these first; this keeps a missed one a 4xx instead of a 500.
 */
export function isBadValueError(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string' && ['22021', '22P05', '22P02', '22007', '22008', '22003'].includes(e.code)) return true;
  }
  return false;
}

// SQLSTATEs and socket errors that mean "the database is unreachable right now", not "the query is wrong":
// class 08 (connection exception), 57P01–57P03 (shutting down, crashed, starting up), too many connections.
const UNAVAILABLE_SQLSTATE = /^(08...|57P01|57P02|57P03|53300)$/;
const UNAVAILABLE_SOCKET = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  // postgres.js's own
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
  // db/read-retry.ts: failing fast right after a connection failure
  'DATABASE_UNAVAILABLE',
]);

/** True when an error (or one it wraps) says the database cannot be reached right now: worth a 503 and a retry. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 8; e = e.cause as typeof e, depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_SOCKET.has(code)) return true;
  }
  return false;
}
