const FALLBACK = '/datasets';
const BASE = 'http://trove.invalid';

/**
 * A same-origin path to return to after logging in; anything else (//evil, https://evil, /\evil) → /datasets.
 * The check runs on the *normalised* path: URL parsing removes dot segments (`/.//evil`, `/x/..//evil`,
 * `/%2e%2e//evil` all become `//evil`), and a Location of `//evil` is protocol-relative — off site.
 */
export function safeReturnPath(raw: string | null | undefined): string {
  if (!raw || typeof raw !== 'string' || raw.length > 2000) return FALLBACK;
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return FALLBACK;
  if (/[\u0000-\u001f\u007f]/.test(raw)) return FALLBACK;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return FALLBACK;
  }
  if (url.origin !== BASE) return FALLBACK;
  const out = url.pathname + url.search + url.hash;
  if (!out.startsWith('/') || out.startsWith('//') || out.startsWith('/\\')) return FALLBACK;
  return out;
}
