import 'server-only';
import { config } from '@/lib/config';

/** What the running worker exposes; kept on globalThis because Next bundles instrumentation and server actions separately. */
export type WorkerHandle = { kick: () => void; stop: () => Promise<void> };

const g = globalThis as unknown as { __troveEmailWorker?: WorkerHandle };

/** The worker running in this process, if any. */
export function workerHandle(): WorkerHandle | undefined {
  return g.__troveEmailWorker;
}

/** Registers (or clears) this process's worker. */
export function setWorkerHandle(h: WorkerHandle | undefined): void {
  g.__troveEmailWorker = h;
}

/** Whether email delivery is configured (RESEND_API_KEY set). Without it the worker does not run. */
export function isEmailConfigured(): boolean {
  return Boolean(config.resendApiKey);
}

/**
 * Asks the worker for a run now. Call it after the transaction that enqueued email has committed
 * (before that, the worker cannot see the row). A no-op when no worker runs in this process.
 */
export function kickEmailWorker(): void {
  g.__troveEmailWorker?.kick();
}
