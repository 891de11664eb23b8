import { afterEach, describe, expect, it } from 'vitest';
import { isCrossSite } from './origin';

const saved = { proxy: process.env.TRUST_PROXY, app: process.env.APP_URL };
afterEach(() => {
  for (const [k, v] of [['TRUST_PROXY', saved.proxy], ['APP_URL', saved.app]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const req = (h: Record<string, string>) => new Headers({ host: 'localhost:3000', ...h });

describe('origin check and TRUST_PROXY', () => {
  it('without a trusted proxy, a forged X-Forwarded-Host cannot make another site same-origin', () => {
    delete process.env.TRUST_PROXY;
    process.env.APP_URL = 'http://localhost:3000';
    expect(isCrossSite(req({ origin: 'https://evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' }))).toBe(true);
    expect(isCrossSite(req({ origin: 'http://localhost:3000' }))).toBe(false);
  });

  it('behind a trusted proxy, its X-Forwarded-Host/-Proto name the public origin', () => {
    process.env.TRUST_PROXY = '1';
    process.env.APP_URL = 'http://internal:3000';
    expect(isCrossSite(req({ origin: 'https://trove.example', 'x-forwarded-host': 'trove.example', 'x-forwarded-proto': 'https' }))).toBe(false);
    expect(isCrossSite(req({ origin: 'https://evil.example', 'x-forwarded-host': 'trove.example', 'x-forwarded-proto': 'https' }))).toBe(true);
  });
});
