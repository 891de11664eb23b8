import 'server-only';
import type { Resend } from 'resend';
import { outgoingEmailSchema, type OutgoingEmail } from './types';

export const MAX_ATTEMPTS = 8;
const BASE_DELAY_MS = 30_000;
const MAX_DELAY_MS = 60 * 60_000;
/** A send never outlives this, so it always ends inside its lease. */
export const SEND_TIMEOUT_MS = 15_000;

export type SendOutcome =
  | { kind: 'sent'; providerId: string | null }
  | { kind: 'retry'; delayMs: number; error: string }
  | { kind: 'failed'; error: string }
  | { kind: 'aborted' };

type Row = { id: string; to: string; attempts: number };

/**
 * Sends one outbox row's stored bytes (rendered when it was enqueued); the row id is the
 * Idempotency-Key, so a repeat — from this instance or another — is a no-op at Resend.
 */
export async function sendRenderedEmail(
  resend: Resend,
  row: Row,
  email: OutgoingEmail,
  opts: { stop?: AbortSignal; timeoutMs?: number } = {},
): Promise<SendOutcome> {
  if (!outgoingEmailSchema.safeParse(email).success) return { kind: 'failed', error: 'invalid payload' };
  if (opts.stop?.aborted) return { kind: 'aborted' };
  const timeoutMs = opts.timeoutMs ?? SEND_TIMEOUT_MS;
  // Our own timer, held until the send settles: AbortSignal.timeout() inside AbortSignal.any() can be
  // garbage-collected and then never fires, which let one hung request stall the worker for minutes.
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort(new DOMException(`no answer from Resend within ${timeoutMs} ms`, 'TimeoutError'));
  }, timeoutMs);
  const onStop = () => abort.abort(opts.stop?.reason);
  opts.stop?.addEventListener('abort', onStop, { once: true });
  let answer: Awaited<ReturnType<Resend['emails']['send']>>;
  // Raced against the abort too: a transport that ignores the signal still cannot hold the slot.
  const aborted = new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(abort.signal.reason), { once: true }));
  try {
    answer = await Promise.race([
      resend.emails.send(
        { from: email.from, to: row.to, subject: email.subject, html: email.html, text: email.text },
        { idempotencyKey: row.id, signal: abort.signal },
      ),
      aborted,
    ]);
  } catch (err) {
    // The SDK answers errors in its result; a throw is a transport failure all the same.
    answer = { data: null, error: { name: 'application_error', message: err instanceof Error ? err.message : 'send failed', statusCode: null }, headers: null } as never;
  } finally {
    clearTimeout(timer);
    opts.stop?.removeEventListener('abort', onStop);
  }
  const { data, error, headers } = answer;
  if (!error) return { kind: 'sent', providerId: data?.id ?? null };
  if (opts.stop?.aborted && !timedOut) return { kind: 'aborted' };
  const status = timedOut ? null : error.statusCode;
  const summary = (timedOut ? `timeout: no answer from Resend within ${timeoutMs} ms` : `${status ?? 'network'} ${error.name ?? 'error'}: ${String(error.message ?? '')}`).slice(0, 200);
  // 409 concurrent_idempotent_requests: a send with this key is still in flight (another instance, or
  // one cut off by a crash or a timeout). Resend settles it; ask again later, and never give up on it.
  if (status === 409 || error.name === 'concurrent_idempotent_requests') {
    return { kind: 'retry', delayMs: retryDelay(1, headers?.['retry-after']), error: summary };
  }
  const retryable = status === null || status === undefined || status === 429 || status >= 500;
  if (!retryable) return { kind: 'failed', error: summary };
  if (row.attempts >= MAX_ATTEMPTS) return { kind: 'failed', error: `gave up after ${row.attempts} attempts; last: ${summary}`.slice(0, 250) };
  return { kind: 'retry', delayMs: retryDelay(row.attempts, headers?.['retry-after']), error: summary };
}

/** Exponential backoff (30 s · 2^(n-1), ±20 % jitter, ≤ 1 h), or Retry-After when the server sent one. */
export function retryDelay(attempts: number, retryAfter?: string | null): number {
  const told = parseRetryAfter(retryAfter);
  if (told !== null) return Math.min(Math.max(told, 1_000), MAX_DELAY_MS);
  const exp = Math.min(BASE_DELAY_MS * 2 ** Math.max(attempts - 1, 0), MAX_DELAY_MS);
  return Math.round(exp * (0.8 + Math.random() * 0.4));
}

function parseRetryAfter(v?: string | null): number | null {
  if (!v) return null;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(at - Date.now(), 0);
}
