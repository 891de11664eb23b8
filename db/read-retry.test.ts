import { describe, expect, it } from 'vitest';
import { isIdempotentRead } from './read-retry';

// Issue 14 (8): which statements a connection failure may retry. The restart and outage cases need a
// PostgreSQL server: db/read-retry.pg.test.ts.

describe('idempotent reads', () => {
  it('are told apart from writes and locking reads', () => {
    expect(isIdempotentRead('select "id" from "users" where "email" = $1')).toBe(true);
    expect(isIdempotentRead('with x as (select 1) select * from x')).toBe(true);
    expect(isIdempotentRead('select * from "entries" where id = $1 for update')).toBe(false);
    expect(isIdempotentRead('insert into "teams" ("name") values ($1)')).toBe(false);
    expect(isIdempotentRead('with d as (delete from t returning *) select * from d')).toBe(false);
  });
});
