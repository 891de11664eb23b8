import type { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A debug counter of SQL statements per request, for `npm run bench:scale`. scripts/start.mjs puts an
 * AsyncLocalStorage on globalThis when TROVE_COUNT_SQL=1 and runs requests carrying
 * `x-trove-count-sql` inside it; the database client counts into the current store. Off (a property
 * lookup) otherwise.
 */
type Store = { n: number };
const g = globalThis as unknown as { __troveSqlCounter?: AsyncLocalStorage<Store> };

export function countStatements(n = 1): void {
  const store = g.__troveSqlCounter?.getStore();
  if (store) store.n += n;
}
