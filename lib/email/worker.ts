import 'server-only';
import os from 'node:os';
import { Resend } from 'resend';
import { getDb, type Db } from '@/db/client';
import { config } from '@/lib/config';
import { isEmailConfigured, setWorkerHandle, workerHandle } from './control';
import { cancelWithdrawnInvitationEmails, claimDueEmails, markFailed, markRetry, markSent, releaseEmails, storedOutgoing, storeOutgoing, type OutboxRow } from './outbox';
import { SEND_TIMEOUT_MS, sendRenderedEmail } from './send';
import { emailMessageSchema } from './types';

export type DeliveryResult = { claimed: number; sent: number; retried: number; failed: number; released: number };

const DEFAULT_LIMIT = 5;
/** Sends in flight at once per process: a hung request holds one slot, never the whole queue. */
const DEFAULT_CONCURRENCY = 4;
const LEASE_MARGIN_MS = 30_000;

type RunOptions = { workerId?: string; signal?: AbortSignal; sendTimeoutMs?: number };

/**
 * Claims due outbox rows and sends them, up to `concurrency` at a time (each capped by its own
 * timeout). `ids` restricts the run to those rows (tests share a database); `signal` aborts it,
 * releasing the rows it still holds. Sends nothing when email is not configured.
 */
export async function deliverDueEmails(opts: RunOptions & { limit?: number; concurrency?: number; ids?: string[] } = {}): Promise<DeliveryResult> {
  const result: DeliveryResult = { claimed: 0, sent: 0, retried: 0, failed: 0, released: 0 };
  const key = config.resendApiKey;
  if (!key || opts.signal?.aborted) return result;
  const limit = Math.min(Math.max(opts.limit ?? DEFAULT_LIMIT, 1), 100);
  const concurrency = Math.min(Math.max(opts.concurrency ?? DEFAULT_CONCURRENCY, 1), limit);
  const timeoutMs = opts.sendTimeoutMs ?? SEND_TIMEOUT_MS;
  const db = await getDb();
  await cancelWithdrawnInvitationEmails(db, opts.ids);
  // The lease outlasts every send of the run (each capped by its timeout, `concurrency` at a time), so
  // no other worker can reclaim a row while this one may still be sending it.
  const rounds = Math.ceil(limit / concurrency);
  const rows = await claimDueEmails(db, { limit, leaseMs: LEASE_MARGIN_MS + rounds * timeoutMs, ids: opts.ids });
  result.claimed = rows.length;
  if (rows.length === 0) return result;
  // Built per run, not at module load: the SDK reads RESEND_BASE_URL when constructed.
  const resend = new Resend(key);
  let next = 0;
  const lane = async () => {
    while (next < rows.length) await deliverOne(db, resend, rows[next++], result, opts);
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return result;
}

/** Sends one claimed row and records the outcome; never throws. */
async function deliverOne(db: Db, resend: Resend, row: OutboxRow, result: DeliveryResult, opts: RunOptions): Promise<void> {
  const who = opts.workerId ?? defaultWorkerId();
  try {
    if (opts.signal?.aborted) {
      await releaseEmails(db, [row], false);
      result.released++;
      return;
    }
    const outgoing = await outgoingOf(db, row);
    const outcome = outgoing
      ? await sendRenderedEmail(resend, row, outgoing, { stop: opts.signal, timeoutMs: opts.sendTimeoutMs })
      : ({ kind: 'failed', error: 'invalid payload' } as const);
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
  } catch (err) {
    // A database hiccup while recording: the lease runs out and another run picks the row up again.
    console.error(`Trove: email ${row.id} could not be recorded [${who}]: ${err instanceof Error ? err.message.slice(0, 300) : 'unknown error'}`);
  }
}

// Rows enqueued before emails were rendered on enqueue are rendered once here, and stored before sending.
async function outgoingOf(db: Db, row: OutboxRow) {
  const stored = storedOutgoing(row.payload);
  if (stored) return stored;
  const message = emailMessageSchema.safeParse(row.payload);
  if (!message.success) return null;
  try {
    const { renderOutgoing } = await import('./render');
    return await storeOutgoing(db, row, await renderOutgoing(message.data));
  } catch {
    // The error text could quote the link (and its token): keep it out of last_error and logs.
    return null;
  }
}

type WorkerState = {
  timer?: NodeJS.Timeout;
  filling?: Promise<void>;
  again: boolean;
  inFlight: Set<Promise<void>>;
  stop: AbortController;
  intervalMs: number;
  concurrency: number;
  sendTimeoutMs?: number;
  id: string;
  ids?: string[];
};

export { isEmailConfigured, kickEmailWorker } from './control';

/**
 * Starts the polling worker once per process (every EMAIL_WORKER_INTERVAL_MS, default 2000 ms), with
 * up to EMAIL_CONCURRENCY (default 4) sends in flight: a slot that frees is refilled at once, so a hung
 * send delays only its own email. Returns false, and starts nothing, when email is not configured.
 * `ids` confines it to those rows (tests).
 */
export function startEmailWorker(opts: { intervalMs?: number; ids?: string[]; concurrency?: number; sendTimeoutMs?: number } = {}): boolean {
  if (workerHandle()) return true;
  if (!isEmailConfigured()) {
    console.log('Trove: RESEND_API_KEY is not set, so no email is sent; invitation links are shown to the inviter instead.');
    return false;
  }
  const interval = opts.intervalMs ?? Number(process.env.EMAIL_WORKER_INTERVAL_MS);
  const concurrency = opts.concurrency ?? Number(process.env.EMAIL_CONCURRENCY);
  const w: WorkerState = {
    again: false,
    inFlight: new Set(),
    stop: new AbortController(),
    intervalMs: Number.isFinite(interval) && interval >= 50 ? interval : 2000,
    concurrency: Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 50 ? concurrency : DEFAULT_CONCURRENCY,
    sendTimeoutMs: opts.sendTimeoutMs,
    id: defaultWorkerId(),
    ids: opts.ids,
  };
  setWorkerHandle({
    kick: () => schedule(w, 0),
    stop: async () => {
      clearTimeout(w.timer);
      w.stop.abort();
      await w.filling;
      await Promise.all(w.inFlight);
    },
  });
  schedule(w, 0);
  return true;
}

/** Stops the worker: aborts its in-flight sends and releases the leases it holds. Call before closing the database. */
export async function stopEmailWorker(): Promise<void> {
  const h = workerHandle();
  setWorkerHandle(undefined);
  await h?.stop();
}

function schedule(w: WorkerState, delayMs: number): void {
  if (w.stop.signal.aborted) return;
  clearTimeout(w.timer);
  w.timer = setTimeout(() => void fill(w), delayMs);
  w.timer.unref();
}

// Claims as many due rows as there are free slots and starts each send without waiting for the others.
async function fill(w: WorkerState): Promise<void> {
  if (w.filling) {
    w.again = true;
    return;
  }
  let full = false;
  w.filling = (async () => {
    try {
      do {
        w.again = false;
        const free = w.concurrency - w.inFlight.size;
        if (free <= 0 || w.stop.signal.aborted) break;
        const started = await startSends(w, free);
        full = started === free;
      } while ((full || w.again) && !w.stop.signal.aborted);
    } catch (err) {
      console.error(`Trove: email worker run failed [${w.id}]: ${err instanceof Error ? err.message.slice(0, 300) : 'unknown error'}`);
    }
  })();
  await w.filling;
  w.filling = undefined;
  // With every slot busy, the next send to finish refills; otherwise poll.
  if (w.inFlight.size < w.concurrency) schedule(w, w.intervalMs);
}

async function startSends(w: WorkerState, free: number): Promise<number> {
  const key = config.resendApiKey;
  if (!key) return 0;
  const db = await getDb();
  await cancelWithdrawnInvitationEmails(db, w.ids);
  const timeoutMs = w.sendTimeoutMs ?? SEND_TIMEOUT_MS;
  const rows = await claimDueEmails(db, { limit: free, leaseMs: LEASE_MARGIN_MS + timeoutMs, ids: w.ids });
  const resend = new Resend(key);
  const result: DeliveryResult = { claimed: 0, sent: 0, retried: 0, failed: 0, released: 0 };
  for (const row of rows) {
    const p: Promise<void> = deliverOne(db, resend, row, result, { workerId: w.id, signal: w.stop.signal, sendTimeoutMs: w.sendTimeoutMs }).finally(() => {
      w.inFlight.delete(p);
      schedule(w, 0);
    });
    w.inFlight.add(p);
  }
  return rows.length;
}

function defaultWorkerId(): string {
  return `${os.hostname()}:${process.pid}`;
}
