import { describe, expect, it } from 'vitest';
import { cleanContentType, contentDisposition, parseRange, servedContentType } from './http';

describe('Range parsing', () => {
  const size = 1000;
  it('answers single ranges, open-ended and suffix ranges', () => {
    expect(parseRange('bytes=0-99', size)).toEqual({ kind: 'partial', range: { start: 0, end: 99 } });
    expect(parseRange('bytes=500-', size)).toEqual({ kind: 'partial', range: { start: 500, end: 999 } });
    expect(parseRange('bytes=-100', size)).toEqual({ kind: 'partial', range: { start: 900, end: 999 } });
    expect(parseRange('bytes=-5000', size)).toEqual({ kind: 'partial', range: { start: 0, end: 999 } });
    expect(parseRange('bytes=990-5000', size)).toEqual({ kind: 'partial', range: { start: 990, end: 999 } });
    expect(parseRange('Bytes = 10 - 19', size)).toEqual({ kind: 'partial', range: { start: 10, end: 19 } });
  });

  it('answers several ranges with the first satisfiable one', () => {
    expect(parseRange('bytes=2000-3000, 5-9', size)).toEqual({ kind: 'partial', range: { start: 5, end: 9 } });
    expect(parseRange('bytes=0-0,-1', size)).toEqual({ kind: 'partial', range: { start: 0, end: 0 } });
  });

  it('416 for unsatisfiable ranges; ignores malformed headers', () => {
    expect(parseRange('bytes=1000-', size)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', size)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    for (const bad of [null, '', 'items=0-1', 'bytes=', 'bytes=a-b', 'bytes=-', 'bytes=9-1', 'bytes=1-2-3']) {
      expect(parseRange(bad, size)).toEqual({ kind: 'full' });
    }
  });

  it('supports repeated seeks over a file, covering every byte once', () => {
    const total = 10_000;
    const covered: number[] = [];
    for (let start = 0; start < total; start += 777) {
      const r = parseRange(`bytes=${start}-${start + 776}`, total);
      if (r.kind !== 'partial') throw new Error('expected partial');
      covered.push(r.range.end - r.range.start + 1);
    }
    expect(covered.reduce((a, b) => a + b)).toBe(total);
  });
});

describe('Content-Disposition and types', () => {
  it('gives an ASCII fallback and the exact UTF-8 name', () => {
    expect(contentDisposition('report.csv')).toBe(`attachment; filename="report.csv"; filename*=UTF-8''report.csv`);
    expect(contentDisposition('été "q".txt')).toBe(`attachment; filename="ete _q_.txt"; filename*=UTF-8''%C3%A9t%C3%A9%20%22q%22.txt`);
    expect(contentDisposition('数据.csv')).toBe(`attachment; filename="__.csv"; filename*=UTF-8''%E6%95%B0%E6%8D%AE.csv`);
    expect(contentDisposition("it's (1).txt")).toContain("filename*=UTF-8''it%27s%20%281%29.txt");
  });

  it('stores a clean type and serves active types as opaque bytes', () => {
    expect(cleanContentType('Text/CSV; charset=utf-8')).toBe('text/csv');
    expect(cleanContentType('garbage')).toBeNull();
    expect(cleanContentType(null)).toBeNull();
    expect(servedContentType('text/csv')).toBe('text/csv');
    expect(servedContentType('text/html')).toBe('application/octet-stream');
    expect(servedContentType('image/svg+xml')).toBe('application/octet-stream');
    expect(servedContentType(null)).toBe('application/octet-stream');
  });
});
