import { describe, expect, it } from 'vitest';
import { ancestorsOf, baseName, isWithin, joinPath, normalizeFolderPath, normalizeName, normalizePath, parentOf } from './paths';

const refused = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toMatchObject({ code: 'INVALID' });
    return (err as Error).message;
  }
  throw new Error('expected INVALID');
};

describe('path rules', () => {
  it('accepts ordinary relative paths and NFC-normalizes them', () => {
    expect(normalizePath('a/b/c.csv')).toBe('a/b/c.csv');
    expect(normalizePath('données/été.csv')).toBe('données/été.csv');
    expect(normalizePath('e\u0301.txt')).toBe('\u00e9.txt');
    expect(normalizePath('with space/x (1).tar.gz')).toBe('with space/x (1).tar.gz');
    expect(normalizePath('.hidden/..dots../a..b')).toBe('.hidden/..dots../a..b');
    expect(normalizeFolderPath('')).toBe('');
    expect(normalizeFolderPath(undefined)).toBe('');
  });

  it('refuses traversal, absolute paths, empty segments and backslashes with clear messages', () => {
    expect(refused(() => normalizePath('../etc/passwd'))).toMatch(/"\.\."/);
    expect(refused(() => normalizePath('a/../b'))).toMatch(/"\.\."/);
    expect(refused(() => normalizePath('a/./b'))).toMatch(/"\."/);
    expect(refused(() => normalizePath('.'))).toMatch(/"\."/);
    expect(refused(() => normalizePath('/abs'))).toMatch(/leading/);
    expect(refused(() => normalizePath('a//b'))).toMatch(/empty/);
    expect(refused(() => normalizePath('a/'))).toMatch(/empty/);
    expect(refused(() => normalizePath('a\\b'))).toMatch(/backslash/);
    expect(refused(() => normalizePath('..\\..\\win'))).toBeTruthy();
    expect(refused(() => normalizePath(''))).toMatch(/required/);
    expect(refused(() => normalizePath('   '))).toMatch(/spaces/);
    expect(refused(() => normalizePath(42))).toMatch(/required/);
  });

  it('refuses NUL, control, bidi-override characters and lone surrogates', () => {
    for (const bad of ['a\u0000b', 'tab\there', 'new\nline', 'del\u007f', 'c1\u0085', 'evil\u202egpj.exe', 'iso\u2066x', 'lone\ud800']) {
      expect(refused(() => normalizePath(bad))).toMatch(/control or text-direction/);
    }
  });

  it('limits segments to 255 bytes and paths to 4096 bytes of UTF-8', () => {
    expect(normalizePath('a'.repeat(255))).toHaveLength(255);
    expect(refused(() => normalizePath('a'.repeat(256)))).toMatch(/255 bytes/);
    expect(refused(() => normalizePath('é'.repeat(128)))).toMatch(/255 bytes/); // 256 bytes
    const deep = Array.from({ length: 16 }, () => 'x'.repeat(250)).join('/'); // 4015 bytes
    expect(normalizePath(deep)).toBe(deep);
    expect(refused(() => normalizePath(`${deep}/${'y'.repeat(100)}`))).toMatch(/4096 bytes/);
    expect(refused(() => normalizePath('x'.repeat(10_000)))).toMatch(/4096 bytes/);
  });

  it('names are single segments', () => {
    expect(normalizeName('report.pdf')).toBe('report.pdf');
    expect(refused(() => normalizeName('a/b'))).toMatch(/"\/"/);
    expect(refused(() => normalizeName('..'))).toBeTruthy();
    expect(() => normalizeName('', 'name')).toThrow(expect.objectContaining({ field: 'name' }));
  });

  it('splits and joins paths', () => {
    expect(parentOf('a/b/c')).toBe('a/b');
    expect(parentOf('a')).toBe('');
    expect(baseName('a/b/c')).toBe('c');
    expect(joinPath('', 'x')).toBe('x');
    expect(joinPath('a/b', 'x/y')).toBe('a/b/x/y');
    expect(ancestorsOf('a/b/c')).toEqual(['a', 'a/b']);
    expect(ancestorsOf('a')).toEqual([]);
    expect(isWithin('a/b', 'a')).toBe(true);
    expect(isWithin('a', 'a')).toBe(true);
    expect(isWithin('ab', 'a')).toBe(false);
  });
});
