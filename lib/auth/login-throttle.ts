import 'server-only';
import { clearRateEvents, countRateEvents, recordRateEvent } from '@/lib/rate-limit';

const WINDOW_MS = 15 * 60_000;
const FREE_FAILURES_PER_EMAIL = 5;
const FREE_FAILURES_PER_IP = 20;
const BASE_DELAY_MS = 30_000;

const emailKey = (email: string) => `login:email:${email}`;
const ipKey = (ip: string) => `login:ip:${ip}`;

async function waitFor(key: string, free: number): Promise<number> {
  const { count, latest } = await countRateEvents(key, WINDOW_MS);
  if (count < free || !latest) return 0;
  // Each failure past the free ones doubles the wait, capped at the window.
  const delay = Math.min(BASE_DELAY_MS * 2 ** (count - free), WINDOW_MS);
  return Math.max(0, latest.getTime() + delay - Date.now());
}

/** Seconds the caller must wait before trying this email / address again (0 = go ahead). */
export async function loginRetryAfter(email: string, ip: string | null): Promise<number> {
  const waits = await Promise.all([
    waitFor(emailKey(email), FREE_FAILURES_PER_EMAIL),
    ip ? waitFor(ipKey(ip), FREE_FAILURES_PER_IP) : 0,
  ]);
  return Math.ceil(Math.max(...waits) / 1000);
}

/** Counts a failed login against the email and the client address. */
export async function recordLoginFailure(email: string, ip: string | null): Promise<void> {
  await recordRateEvent(emailKey(email));
  if (ip) await recordRateEvent(ipKey(ip));
}

/** A successful login forgets the email's failures. */
export async function clearLoginFailures(email: string): Promise<void> {
  await clearRateEvents(emailKey(email));
}
