import type { Sql } from 'postgres';
import { isDatabaseKnownDown, noteDatabaseAvailable, noteDatabaseUnavailable } from '@/lib/db-availability';
import { isDatabaseUnavailable } from '@/lib/errors';
import { databaseFailedSince, noteDatabaseFailure } from '@/lib/http/unavailable.mjs';
import { countStatements } from './statement-count';

/** Pause before the one retry of a read: long enough for a restarting server (about a second) to accept again. */
export const READ_RETRY_DELAY_MS = 1_000;

/** How far past the connect timeout a read may wait once the database has failed meanwhile. */
export const STALL_SLACK_MS = 500;

// A plain read: SELECT (or WITH … SELECT) without FOR UPDATE/SHARE and without data-modifying CTEs.
const READ = /^\s*(select|with)\b/i;
const NOT_READ = /\b(for\s+(update|share|no\s+key\s+update|key\s+share)|insert|update|delete)\b/i;

/** Whether a statement may be sent again after a connection error without changing anything twice. */
export function isIdempotentRead(query: string): boolean {
  return READ.test(query) && !NOT_READ.test(query);
}

/**
 * Right after a connection failure (lib/db-availability.ts holds it for a moment), queries fail at once
 * instead of each waiting for its own connect timeout: a request that makes several queries during an
 * outage answers 503 after one timeout, not after several.
 */
function failFastIfKnownDown(): void {
  if (isDatabaseKnownDown()) {
    noteDatabaseFailure();
    throw unavailable('The database was unreachable a moment ago.');
  }
}

const unavailable = (message: string) => Object.assign(new Error(message), { code: 'DATABASE_UNAVAILABLE' });

/**
 * A read that is still waiting connect timeout + STALL_SLACK_MS after it started, while some query has
 * failed for want of the database since then, gives up: it is queued behind connections that are
 * timing out (postgres.js then gives it a fresh connect, and a second full timeout), or waiting for its
 * retry's connect. Without a failure it waits on (a long query on a healthy database is left alone).
 * Writes are never cut short this way: one abandoned here could still commit after the caller was told 503.
 */
function boundStall<T>(work: Promise<T>, startedAt: number, limitMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      if (!databaseFailedSince(startedAt)) return;
      noteDatabaseUnavailable();
      reject(unavailable(`No answer from the database within ${limitMs} ms while it is failing.`));
    }, limitMs);
    timer.unref?.();
  });
  work.catch(() => {}); // abandoned after a stall: its own failure comes later and is nobody's
  return Promise.race([work, stalled]).finally(() => clearTimeout(timer));
}

function codeOf(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

/**
 * Wraps postgres.js so that a read outside a transaction that fails on a connection error (a server
 * restart: 57P01 on an old pooled connection, ECONNRESET, ECONNREFUSED) is sent once more on a fresh
 * connection. Writes and transactions are never repeated: they fail, and the caller answers 503.
 */
export function withReadRetry(sql: Sql, delayMs = READ_RETRY_DELAY_MS): Sql {
  const connectTimeoutS = Number((sql.options as { connect_timeout?: unknown } | undefined)?.connect_timeout);
  const stallLimitMs = (connectTimeoutS > 0 ? connectTimeoutS * 1000 : 30_000) + STALL_SLACK_MS;
  const unsafe = (query: string, params?: unknown[], opts?: object) => {
    const run = (values: boolean) => {
      countStatements();
      // Named (prepared) statements: postgres.js caches one per connection by its text, so a hot query
      // is parsed and planned once per connection instead of on every request (drizzle asks for
      // unnamed ones unless a query is given a name).
      const q = sql.unsafe(query, params as never, { ...opts, prepare: true } as never);
      return values ? q.values() : q;
    };
    const attempt = async (values: boolean): Promise<unknown> => {
      failFastIfKnownDown();
      try {
        const r = await run(values);
        noteDatabaseAvailable();
        return r;
      } catch (err) {
        if (!isDatabaseUnavailable(err)) throw err;
        noteDatabaseUnavailable();
        // A server that does not answer at all (connect timeout) would only make us wait once more.
        if (!isIdempotentRead(query) || codeOf(err) === 'CONNECT_TIMEOUT') throw err;
        await new Promise((r) => setTimeout(r, delayMs));
        try {
          const r = await run(values);
          noteDatabaseAvailable();
          return r;
        } catch (again) {
          if (isDatabaseUnavailable(again)) noteDatabaseUnavailable();
          throw again;
        }
      }
    };
    const exec = (values: boolean): Promise<unknown> => {
      const startedAt = Date.now();
      const work = attempt(values);
      return isIdempotentRead(query) ? boundStall(work, startedAt, stallLimitMs) : work;
    };
    // drizzle either awaits the query or calls .values() on it; both start it here.
    return {
      values: () => exec(true),
      then: (ok?: (v: unknown) => unknown, fail?: (e: unknown) => unknown) => exec(false).then(ok, fail),
    };
  };
  const begin = async (...args: unknown[]) => {
    failFastIfKnownDown();
    countStatements(2); // BEGIN, COMMIT
    // Statements inside a transaction are prepared and counted too.
    const inTx = args.map((a) => (typeof a === 'function' ? (tx: Sql) => (a as (t: Sql) => unknown)(preparing(tx)) : a));
    try {
      return await (sql.begin as (...a: unknown[]) => Promise<unknown>)(...inTx);
    } catch (err) {
      if (isDatabaseUnavailable(err)) noteDatabaseUnavailable();
      throw err;
    }
  };
  return new Proxy(sql, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') return unsafe;
      if (prop === 'begin') return begin;
      return Reflect.get(target, prop, receiver);
    },
  });
}

// A transaction's connection with the same defaults as the pool: statements named (prepared) and counted.
function preparing(tx: Sql): Sql {
  return new Proxy(tx, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        return (query: string, params?: unknown[], opts?: object) => {
          countStatements();
          return target.unsafe(query, params as never, { ...opts, prepare: true } as never);
        };
      }
      if (prop === 'savepoint') {
        return (...a: unknown[]) => ((target as unknown as { savepoint: (...x: unknown[]) => unknown }).savepoint)(...a.map((f) => (typeof f === 'function' ? (s: Sql) => (f as (t: Sql) => unknown)(preparing(s)) : f)));
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}
