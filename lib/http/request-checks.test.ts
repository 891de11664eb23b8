import { describe, expect, it } from 'vitest';
import { ACTION_BODY_LIMIT_BYTES, hasMalformedPathEncoding, isOversizedActionPost } from './request-checks';

describe('proxy request checks (issue 9, finding 7)', () => {
  it.each(['/datasets/%ZZ', '/invite/%ZZ', '/api/datasets/%ZZ/files/x', '/api/datasets/x/files/%ED%A0%80', '/a/%', '/a/%4', '/a/%C0%AF', '/a/%80'])('%s is malformed', (p) => {
    expect(hasMalformedPathEncoding(p)).toBe(true);
  });

  it.each(['/datasets/abc', '/api/datasets/x/files/caf%C3%A9.csv', '/api/datasets/x/files/a%2Fb', '/api/datasets/x/files/%F0%9F%98%80', '/'])('%s is fine', (p) => {
    expect(hasMalformedPathEncoding(p)).toBe(false);
  });

  it('flags only server-action POSTs declaring more than the limit', () => {
    const h = (o: Record<string, string>) => new Headers(o);
    expect(isOversizedActionPost('POST', h({ 'next-action': 'x', 'content-length': String(3_000_000) }))).toBe(true);
    expect(isOversizedActionPost('POST', h({ 'next-action': 'x', 'content-length': String(ACTION_BODY_LIMIT_BYTES) }))).toBe(false);
    expect(isOversizedActionPost('POST', h({ 'content-length': String(3_000_000) }))).toBe(false);
    expect(isOversizedActionPost('PUT', h({ 'next-action': 'x', 'content-length': String(3_000_000) }))).toBe(false);
  });
});
