import Markdown, { defaultUrlTransform } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { fileUrl } from '@/components/file-browser/urls';
import { joinRelative } from '@/lib/previews/links';

/**
 * Markdown from a dataset, rendered safely: raw HTML is dropped (never parsed), unsafe link protocols
 * (javascript:, data:) are removed, and images load only from the dataset's own files — an absolute
 * image URL shows its alt text instead, so a README cannot make readers' browsers call elsewhere.
 */
export function MarkdownView({ text, datasetId, folder = '' }: { text: string; datasetId: string; folder?: string }) {
  const local = (url: string) => joinRelative(folder, url);
  return (
    <div className="markdown">
      <Markdown
        remarkPlugins={[remarkGfm]}
        skipHtml
        urlTransform={(url, key) => {
          const safe = defaultUrlTransform(url);
          if (!safe) return '';
          if (key === 'src') {
            const path = local(safe);
            return path ? fileUrl(datasetId, path) : '';
          }
          if (/^(https?:|mailto:|#)/i.test(safe)) return safe;
          const path = local(safe);
          return path ? `/datasets/${datasetId}/files/${path.split('/').map(encodeURIComponent).join('/')}` : '';
        }}
        components={{
          // eslint-disable-next-line @next/next/no-img-element -- a dataset's own file through our authorized route; no optimizer
          img: ({ src, alt }) => (src ? <img src={String(src)} alt={alt ?? ''} loading="lazy" className="max-h-[32rem] max-w-full" /> : <span>{alt}</span>),
          a: ({ href, children }) => (href ? <a href={href} rel="noopener noreferrer nofollow">{children}</a> : <span>{children}</span>),
        }}
      >
        {text}
      </Markdown>
    </div>
  );
}
