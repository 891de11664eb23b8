import fsp from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GET as live } from '@/app/api/health/route';
import { GET as ready } from '@/app/api/health/ready/route';
import { markShuttingDown } from '@/lib/health';

// Issue 14 (8): liveness and readiness for load balancers and orchestrators.
afterEach(() => {
  vi.restoreAllMocks();
  (globalThis as { __troveStopping?: boolean }).__troveStopping = undefined;
});

describe('health checks', () => {
  it('liveness answers 200 without touching the database', async () => {
    const res = live();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('readiness: 200 when the database answers, migrations are applied and storage is writable', async () => {
    const res = await ready();
    expect(await res.json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok', storage: 'ok' } });
    expect(res.status).toBe(200);
  });

  it('readiness: 503 with Retry-After naming the failed check when storage is not writable', async () => {
    vi.spyOn(fsp, 'open').mockRejectedValueOnce(Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' }));
    const res = await ready();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({ status: 'unavailable', checks: { database: 'ok', storage: 'failed (EROFS)' } });
  });

  it('readiness: 503 once shutting down, so the load balancer drains the instance', async () => {
    markShuttingDown();
    const res = await ready();
    expect(res.status).toBe(503);
  });
});
