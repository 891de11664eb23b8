import 'server-only';
import os from 'node:os';
import { Resend } from 'resend';
import { getDb } from '@/db/client';
import { config } from '@/lib/config';
import { isEmailConfigured, setWorkerHandle, workerHandle } from './control';
import { cancelWithdrawnInvitationEmails, claimDueEmails, markFailed, markRetry, markSent, releaseEmails } from './outbox';
import { SEND_TIMEOUT_MS, sendOutboxEmail } from './send';

export type DeliveryResult = { claimed: number; sent: number; retried: number; failed: number; released: number };

const DEFAULT_LIMIT = 5;
const LEASE_MARGIN_MS = 30_000;

/**
 * Claims due outbox rows and sends them, one at a time (Resend rate-limits per account).
 * `ids` restricts the run to those rows (tests share a database); `signal` aborts it, releasing the
 * rows it still holds. Sends nothing when email is not configured.
 */
export async function deliverDueEmails(
  opts: { workerId?: string; limit?: number; ids?: string[]; signal?: AbortSignal } = {},
): Promise<DeliveryResult> {
  const result: DeliveryResult = { claimed: 0, sent: 0, retried: 0, failed: 0, released: 0 };
  const key = config.resendApiKey;
  if (!key || opts.signal?.aborted) return result;
  const limit = Math.min(Math.max(opts.limit ?? DEFAULT_LIMIT, 1), 100);
  const db = await getDb();
  // The lease outlasts every send of the batch (each is capped by SEND_TIMEOUT_MS), so no other worker
  // can reclaim a row while this one may still be sending it.
  await cancelWithdrawnInvitationEmails(db, opts.ids);
  const rows = await claimDueEmails(db, { limit, leaseMs: LEASE_MARGIN_MS + limit * SEND_TIMEOUT_MS, ids: opts.ids });
  result.claimed = rows.length;
  if (rows.length === 0) return result;
  // Built per run, not at module load: the SDK reads RESEND_BASE_URL when constructed.
  const resend = new Resend(key);
  const who = opts.workerId ?? defaultWorkerId();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (opts.signal?.aborted) {
      await releaseEmails(db, rows.slice(i), false);
      result.released += rows.length - i;
      break;
    }
    const outcome = await sendOutboxEmail(resend, row, opts.signal);
    switch (outcome.kind) {
      case 'sent':
        await markSent(db, row, outcome.providerId);
        result.sent++;
        break;
      case 'retry':
        await markRetry(db, row, outcome.delayMs, outcome.error);
        result.retried++;
        break;
      case 'failed':
        await markFailed(db, row, outcome.error);
        result.failed++;
        // Id and kind only: the payload holds the invitation link and its token.
        console.warn(`Trove: email ${row.id} (${row.kind}) failed for good [${who}]: ${outcome.error}`);
        break;
      case 'aborted':
        await releaseEmails(db, [row], true);
        result.released++;
        break;
    }
  }
  return result;
}

type WorkerState = { timer?: NodeJS.Timeout; running?: Promise<void>; again: boolean; stop: AbortController; intervalMs: number; id: string; ids?: string[] };

export { isEmailConfigured, kickEmailWorker } from './control';

/**
 * Starts the polling worker once per process (every EMAIL_WORKER_INTERVAL_MS, default 2000 ms).
 * Returns false, and starts nothing, when email is not configured. `ids` confines it to those rows (tests).
 */
export function startEmailWorker(opts: { intervalMs?: number; ids?: string[] } = {}): boolean {
  if (workerHandle()) return true;
  if (!isEmailConfigured()) {
    console.log('Trove: RESEND_API_KEY is not set, so no email is sent; invitation links are shown to the inviter instead.');
    return false;
  }
  const interval = opts.intervalMs ?? Number(process.env.EMAIL_WORKER_INTERVAL_MS);
  const w: WorkerState = {
    again: false,
    stop: new AbortController(),
    intervalMs: Number.isFinite(interval) && interval >= 50 ? interval : 2000,
    id: defaultWorkerId(),
    ids: opts.ids,
  };
  setWorkerHandle({
    kick: () => {
      if (w.running) w.again = true;
      else schedule(w, 0);
    },
    stop: async () => {
      clearTimeout(w.timer);
      w.stop.abort();
      await w.running;
    },
  });
  schedule(w, 0);
  return true;
}

/** Stops the worker: aborts its in-flight send and releases the leases it holds. Call before closing the database. */
export async function stopEmailWorker(): Promise<void> {
  const h = workerHandle();
  setWorkerHandle(undefined);
  await h?.stop();
}

function schedule(w: WorkerState, delayMs: number): void {
  if (w.stop.signal.aborted) return;
  clearTimeout(w.timer);
  w.timer = setTimeout(() => void tick(w), delayMs);
  w.timer.unref();
}

async function tick(w: WorkerState): Promise<void> {
  if (w.running) {
    w.again = true;
    return;
  }
  w.running = (async () => {
    try {
      let r: DeliveryResult;
      // Keep going while batches come back full or someone kicked during the run.
      do {
        w.again = false;
        r = await deliverDueEmails({ workerId: w.id, limit: DEFAULT_LIMIT, ids: w.ids, signal: w.stop.signal });
      } while ((r.claimed === DEFAULT_LIMIT || w.again) && !w.stop.signal.aborted);
    } catch (err) {
      console.error(`Trove: email worker run failed [${w.id}]: ${err instanceof Error ? err.message.slice(0, 300) : 'unknown error'}`);
    }
  })();
  await w.running;
  w.running = undefined;
  schedule(w, w.intervalMs);
}

function defaultWorkerId(): string {
  return `${os.hostname()}:${process.pid}`;
}
