import { describe, expect, it } from 'vitest';
import { formatCount, formatRelative } from './format';

describe('formatting', () => {
  it('relative times for the past, then the date', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    expect(formatRelative(new Date(now - 10_000), now)).toBe('just now');
    expect(formatRelative(new Date(now - 60_000), now)).toBe('1 minute ago');
    expect(formatRelative(new Date(now - 5 * 60_000), now)).toBe('5 minutes ago');
    expect(formatRelative(new Date(now - 3 * 3_600_000), now)).toBe('3 hours ago');
    expect(formatRelative(new Date(now - 2 * 86_400_000), now)).toBe('2 days ago');
    expect(formatRelative('2026-01-02T00:00:00Z', now)).toBe('2026-01-02');
  });

  it('thousands separators', () => {
    expect(formatCount(1200)).toBe('1,200');
    expect(formatCount(100000)).toBe('100,000');
  });
});
