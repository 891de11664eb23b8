import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '@/lib/testing/factories';
import { clearLoginFailures, loginRetryAfter, recordLoginFailure } from './login-throttle';

describe('login throttling (counted in the database)', () => {
  it('lets five failures pass, then asks to wait, and a success clears it', async () => {
    const email = uniqueEmail('throttle');
    const ip = `10.0.${crypto.randomInt(255)}.${crypto.randomInt(255)}`;
    for (let i = 0; i < 4; i++) await recordLoginFailure(email, ip);
    expect(await loginRetryAfter(email, ip)).toBe(0);
    await recordLoginFailure(email, ip);
    const wait = await loginRetryAfter(email, ip);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(30);
    await recordLoginFailure(email, ip);
    expect(await loginRetryAfter(email, ip)).toBeGreaterThan(30); // doubles
    await clearLoginFailures(email);
    expect(await loginRetryAfter(email, ip)).toBe(0);
  });

  it('slows one address trying many emails', async () => {
    const ip = `10.1.${crypto.randomInt(255)}.${crypto.randomInt(255)}`;
    for (let i = 0; i < 20; i++) await recordLoginFailure(uniqueEmail('spray'), ip);
    expect(await loginRetryAfter(uniqueEmail('fresh'), ip)).toBeGreaterThan(0);
    expect(await loginRetryAfter(uniqueEmail('fresh'), '10.2.0.1')).toBe(0);
  });
});
