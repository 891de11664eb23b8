import { formatDateTime, formatRelative } from '@/lib/format';

/** "5 minutes ago", with the exact time on hover and for assistive tech (the datetime attribute). */
export function RelativeTime({ value, className }: { value: Date | string; className?: string }) {
  const iso = new Date(value).toISOString();
  return (
    // The server and the browser may be a minute apart; the text is allowed to differ between them.
    <time dateTime={iso} title={formatDateTime(iso)} className={className} suppressHydrationWarning>
      {formatRelative(iso)}
    </time>
  );
}
