// Whether this process recently failed to reach its database. Kept on globalThis because proxy.ts,
// route handlers and pages are bundled separately but run in one process. Only a plain-JS import:
// proxy.ts uses it, and scripts/start.mjs reads the same clock (lib/http/unavailable.mjs).
import { noteDatabaseFailure } from '@/lib/http/unavailable.mjs';

const HOLD_MS = 1_000;
const g = globalThis as unknown as { __troveDbOutage?: { until: number } };

/** Records a connection failure: for a moment, page requests are answered 503 without trying. */
export function noteDatabaseUnavailable(): void {
  const now = Date.now();
  g.__troveDbOutage = { until: now + HOLD_MS };
  noteDatabaseFailure(now);
}

/** Records a successful round trip. */
export function noteDatabaseAvailable(): void {
  g.__troveDbOutage = undefined;
}

/**
 * True while the last connection failure is recent. Once it is older, requests go through again:
 * the first one to succeed clears it, the first to fail renews it.
 */
export function isDatabaseKnownDown(): boolean {
  const o = g.__troveDbOutage;
  return !!o && Date.now() < o.until;
}
