import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './return-path';

describe('safeReturnPath', () => {
  it.each([
    ['/datasets/abc?tab=files#x', '/datasets/abc?tab=files#x'],
    ['/invite/tok', '/invite/tok'],
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
});
