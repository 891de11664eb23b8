import 'server-only';
import type { Resend } from 'resend';
import { config } from '@/lib/config';
import { renderEmail } from './render';
import { emailMessageSchema } from './types';

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

type Row = { id: string; to: string; payload: unknown; attempts: number };

/** Renders and sends one outbox row; the row id is the Idempotency-Key, so a repeat is a no-op at Resend. */
export async function sendOutboxEmail(resend: Resend, row: Row, stop?: AbortSignal): Promise<SendOutcome> {
  const parsed = emailMessageSchema.safeParse(row.payload);
  if (!parsed.success) return { kind: 'failed', error: 'invalid payload' };
  let rendered;
  try {
    rendered = await renderEmail(parsed.data);
  } catch {
    // The error text could quote the link (and its token): keep it out of last_error and logs.
    return { kind: 'failed', error: 'render failed' };
  }
  const signal = stop ? AbortSignal.any([stop, AbortSignal.timeout(SEND_TIMEOUT_MS)]) : AbortSignal.timeout(SEND_TIMEOUT_MS);
  const { data, error, headers } = await resend.emails.send(
    { from: config.emailFrom, to: row.to, subject: rendered.subject, html: rendered.html, text: rendered.text },
    { idempotencyKey: row.id, signal },
  );
  if (!error) return { kind: 'sent', providerId: data?.id ?? null };
  if (stop?.aborted) return { kind: 'aborted' };
  const status = error.statusCode;
  const summary = `${status ?? 'network'} ${error.name ?? 'error'}: ${String(error.message ?? '')}`.slice(0, 200);
  // 409 concurrent_idempotent_requests: another send with this key is in flight (e.g. before a crash).
  const retryable = status === null || status === undefined || status === 429 || status >= 500 || error.name === 'concurrent_idempotent_requests';
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
