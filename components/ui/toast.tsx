'use client';

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';

export type ToastTone = 'success' | 'error' | 'info';
export type ToastAction = { label: string; run: () => void | Promise<void> };
export type ToastOptions = { tone?: ToastTone; action?: ToastAction; durationMs?: number };
type ToastItem = { id: number; message: string; tone: ToastTone; action?: ToastAction; durationMs: number };

type ToastApi = { show: (message: string, opts?: ToastOptions) => void; dismiss: (id: number) => void };

const NOOP: ToastApi = { show: () => {}, dismiss: () => {} };
const ToastContext = createContext<ToastApi>(NOOP);

/** Shows a short message in the page's notification region (polite: it never interrupts a screen reader). */
export function useToast(): ToastApi {
  return useContext(ToastContext);
}

/** How long a toast with an Undo stays: long enough to reach it by keyboard, then the change is final. */
export const UNDO_WINDOW_MS = 10_000;
const DEFAULT_MS = 6_000;

const TONE: Record<ToastTone, string> = {
  success: 'border-emerald-200 bg-emerald-50 text-emerald-900',
  error: 'border-red-200 bg-red-50 text-red-800',
  info: 'border-slate-200 bg-white text-slate-900',
};

function Toast({ item, dismiss }: { item: ToastItem; dismiss: (id: number) => void }) {
  const { id } = item;
  const onDismiss = useCallback(() => dismiss(id), [dismiss, id]);
  const [paused, setPaused] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (paused) return;
    const t = setTimeout(onDismiss, item.durationMs);
    return () => clearTimeout(t);
  }, [paused, item.durationMs, onDismiss]);
  return (
    <li
      className={`pointer-events-auto flex items-start gap-3 rounded-lg border px-4 py-3 text-sm shadow-lg ${TONE[item.tone]}`}
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={() => setPaused(false)}
    >
      <span className="min-w-0 flex-1 break-words">{item.message}</span>
      {item.action && (
        <button
          type="button"
          disabled={busy}
          className="rounded px-1 font-semibold text-indigo-700 underline hover:no-underline disabled:opacity-50"
          onClick={async () => {
            setBusy(true);
            try {
              await item.action!.run();
            } finally {
              onDismiss();
            }
          }}
        >
          {item.action.label}
        </button>
      )}
      <button type="button" onClick={onDismiss} className="rounded px-1 text-slate-600 hover:bg-slate-100" aria-label="Dismiss notification">
        ✕
      </button>
    </li>
  );
}

/**
 * One notification region for the whole app (mounted once in the root layout). The live region is
 * always in the page, so screen readers announce what is added to it; each toast goes away after a
 * few seconds, paused while hovered or focused.
 */
export function ToastProvider({ children }: { children: React.ReactNode }) {
  const [items, setItems] = useState<ToastItem[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setItems((xs) => xs.filter((x) => x.id !== id)), []);
  const show = useCallback((message: string, opts: ToastOptions = {}) => {
    const id = next.current++;
    const durationMs = opts.durationMs ?? (opts.action ? UNDO_WINDOW_MS : DEFAULT_MS);
    // At most three at once: a burst of actions should not cover the page.
    setItems((xs) => [...xs.slice(-2), { id, message, tone: opts.tone ?? 'success', action: opts.action, durationMs }]);
  }, []);
  const api = useMemo(() => ({ show, dismiss }), [show, dismiss]);
  return (
    <ToastContext.Provider value={api}>
      {children}
      <section aria-label="Notifications" className="pointer-events-none fixed inset-x-0 bottom-0 z-50 flex justify-center p-4 sm:justify-end">
        <ol aria-live="polite" aria-relevant="additions text" className="flex w-full max-w-sm flex-col gap-2">
          {items.map((item) => (
            <Toast key={item.id} item={item} dismiss={dismiss} />
          ))}
        </ol>
      </section>
    </ToastContext.Provider>
  );
}
