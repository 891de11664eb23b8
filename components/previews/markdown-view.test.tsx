import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { MarkdownView } from './markdown-view';

const DS = '11111111-1111-4111-8111-111111111111';
const html = (md: string, folder = '') => renderToStaticMarkup(<MarkdownView text={md} datasetId={DS} folder={folder} />);

describe('dataset Markdown is rendered safely', () => {
  it('drops raw HTML and scripts', () => {
    const out = html('# Title\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\nok');
    expect(out).toContain('<h1>Title</h1>');
    expect(out).not.toMatch(/<script|onerror|alert\(1\)/);
  });

  it('removes javascript: links and keeps web links', () => {
    const out = html('[bad](javascript:alert(1)) [good](https://example.org/x)');
    expect(out).not.toContain('javascript:');
    expect(out).toContain('href="https://example.org/x"');
  });

  it('loads images only from the dataset itself', () => {
    const out = html('![cover](img/cover.png) ![pixel](https://tracker.example/p.gif)', 'docs');
    expect(out).toContain(`src="/api/datasets/${DS}/files/docs/img/cover.png"`);
    expect(out).not.toContain('tracker.example');
    expect(out).toContain('pixel');
  });

  it('turns relative links into the dataset file pages; tables work (GFM)', () => {
    const out = html('[data](data/train.csv)\n\n| a | b |\n|---|---|\n| 1 | 2 |');
    expect(out).toContain(`href="/datasets/${DS}/files/data/train.csv"`);
    expect(out).toContain('<table>');
  });
});
