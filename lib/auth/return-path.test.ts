import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './return-path';

describe('safeReturnPath', () => {
  it.each([
    ['/datasets/abc?tab=files#x', '/datasets/abc?tab=files#x'],
    ['/invite/tok', '/invite/tok'],
    ['/datasets/./a/../b', '/datasets/b'],
  ])('keeps the same-origin path %s', (input, out) => expect(safeReturnPath(input)).toBe(out));

  it.each(['//evil.example', 'https://evil.example', '/\\evil.example', '\\\\evil', 'javascript:alert(1)', '/\n/evil', '', null, undefined, 'datasets', '/'.padEnd(3000, 'a')])(
    'sends %j to /datasets',
    (input) => expect(safeReturnPath(input as string)).toBe('/datasets'),
  );

  it('refuses protocol-relative and backslash tricks exactly', () => {
    expect(safeReturnPath('//evil')).toBe('/datasets');
    expect(safeReturnPath('https://evil')).toBe('/datasets');
    expect(safeReturnPath('/\\evil')).toBe('/datasets');
  });

  // Issue 9, finding 2: the check ran before normalisation removed the dot segments.
  it.each(['/.//evil.example/phish', '/x/..//evil.example/', '/./\u002f/evil.example', '/%2e//evil.example', '/a/%2E%2e//evil.example/p?q#h', '/a/b/../..//evil.example'])(
    'attack: dot segments that normalise to a protocol-relative path (%s) stay on site',
    (input) => expect(safeReturnPath(input)).toBe('/datasets'),
  );
});

// A small seeded generator (no dependency): the same few thousand cases on every run, so a failure reproduces.
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['/', '/', '//', '\\', '.', '..', './', '../', '%2e', '%2E', '%2f', '%5c', '%00', '%09', 'evil.example', 'evil.example:443', '@evil', 'a', 'datasets', ':', '?', '#', '&', 'http:', 'https:', 'javascript:', ' ', '\t', '\n', '\u3002', '\uff0f', ';'];

describe('safeReturnPath, property-tested on 5,000 generated paths', () => {
  it('returns either /datasets or a path that every base resolves to the same origin, and is idempotent', () => {
    const rand = mulberry32(0x7120e);
    const pick = () => PIECES[Math.floor(rand() * PIECES.length)];
    for (let i = 0; i < 5000; i++) {
      let raw = rand() < 0.9 ? '/' : '';
      const n = 1 + Math.floor(rand() * 8);
      for (let j = 0; j < n; j++) raw += pick();
      const out = safeReturnPath(raw);
      if (out === '/datasets') continue;
      expect(out.startsWith('/'), raw).toBe(true);
      expect(out.startsWith('//') || out.startsWith('/\\'), raw).toBe(false);
      expect(/[\\\u0000-\u001f\u007f]/.test(out), raw).toBe(false);
      for (const base of ['https://trove.example', 'http://127.0.0.1:3000/login?x=1', 'https://trove.example/a/b/c']) {
        expect(new URL(out, base).origin, `${raw} → ${out}`).toBe(new URL(base).origin);
      }
      expect(safeReturnPath(out), raw).toBe(out);
    }
  });
});
