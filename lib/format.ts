/** Human-readable byte count (binary units, as file managers show). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 1024) return `${Math.max(0, n | 0)} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** A stable, locale-neutral date-time (UTC), so server and client render the same text. */
export function formatDateTime(d: Date | string): string {
  const date = typeof d === 'string' ? new Date(d) : d;
  return date.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** "in 3 days", "in 5 hours", "expired" for a future instant. */
export function formatExpiry(d: Date | string, now = Date.now()): string {
  const ms = new Date(d).getTime() - now;
  if (ms <= 0) return 'expired';
  const h = Math.round(ms / 3_600_000);
  if (h >= 48) return `in ${Math.round(h / 24)} days`;
  if (h >= 1) return `in ${h} hour${h === 1 ? '' : 's'}`;
  const m = Math.max(1, Math.round(ms / 60_000));
  return `in ${m} minute${m === 1 ? '' : 's'}`;
}

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago", then the date — for past instants. */
export function formatRelative(d: Date | string, now = Date.now()): string {
  const date = typeof d === 'string' ? new Date(d) : d;
  const s = Math.round((now - date.getTime()) / 1000);
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} minute${m === 1 ? '' : 's'} ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} hour${h === 1 ? '' : 's'} ago`;
  const days = Math.round(h / 24);
  if (days < 30) return `${days} day${days === 1 ? '' : 's'} ago`;
  return date.toISOString().slice(0, 10);
}

/** A count with thousands separators ("1,200"), the same on server and client. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
