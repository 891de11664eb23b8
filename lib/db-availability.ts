// Whether this process recently failed to reach its database. Kept on globalThis because proxy.ts,
// route handlers and pages are bundled separately but run in one process. No imports: proxy.ts uses it.

const HOLD_MS = 1_000;
const g = globalThis as unknown as { __troveDbOutage?: { until: number } };

/** Records a connection failure: for a moment, page requests are answered 503 without trying. */
export function noteDatabaseUnavailable(): void {
  g.__troveDbOutage = { until: Date.now() + HOLD_MS };
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
