import { describe, expect, it } from 'vitest';
import { highlightCode, MAX_HIGHLIGHT_CHARS } from './highlight';

describe('syntax highlighting of previews', () => {
  it('marks up code tokens and escapes every character of the text', () => {
    const html = highlightCode('const x = "<script>alert(1)</script>"; // </span><img src=x onerror=alert(1)>', 'ts')!;
    expect(html).toContain('sh__token--keyword');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html.replace(/<\/?span[^>]*>/g, '')).not.toMatch(/[<>]/);
  });

  it('leaves plain text, unknown kinds and very long files plain', () => {
    expect(highlightCode('just words', 'txt')).toBeNull();
    expect(highlightCode('a,b\n1,2', 'csv')).toBeNull();
    expect(highlightCode('x'.repeat(MAX_HIGHLIGHT_CHARS + 1), 'py')).toBeNull();
    expect(highlightCode('def f(): pass', 'py')).toContain('sh__line');
  });
});
