const FALLBACK = '/datasets';

/** A same-origin path to return to after logging in; anything else (//evil, https://evil, /\evil) → /datasets. */
export function safeReturnPath(raw: string | null | undefined): string {
  if (!raw || typeof raw !== 'string' || raw.length > 2000) return FALLBACK;
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return FALLBACK;
  if (/[\u0000-\u001f\u007f]/.test(raw)) return FALLBACK;
  try {
    const base = 'http://trove.invalid';
    const url = new URL(raw, base);
    if (url.origin !== base) return FALLBACK;
    return url.pathname + url.search + url.hash;
  } catch {
    return FALLBACK;
  }
}
