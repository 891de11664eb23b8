import type { Metadata } from 'next';
import { Breadcrumb } from '@/components/file-browser/breadcrumb';
import { fileUrl, filePageHref } from '@/components/file-browser/urls';
import { MarkdownView } from '@/components/previews/markdown-view';
import { TableView } from '@/components/previews/table-view';
import { buttonClass } from '@/components/ui/button';
import { requireUser } from '@/lib/auth/session';
import { datasetDetails } from '@/lib/dataset-page';
import { RelativeTime } from '@/components/ui/relative-time';
import { formatBytes } from '@/lib/format';
import { orNotFound } from '@/lib/http/pages';
import { parentOf } from '@/lib/paths';
import { previewFile } from '@/lib/previews';
import { highlightCode } from '@/lib/previews/highlight';

type Props = { params: Promise<{ datasetId: string; path: string[] }> };

function pathOf(segments: string[]): string {
  // Next hands catch-all segments over decoded; a segment that could not be decoded arrives as is.
  return segments.join('/');
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { path } = await params;
  return { title: path.at(-1) ?? 'File' };
}

/** A file's own page: where it is, its size and date, Download, and a preview built by Trove from its bytes. */
export default async function FilePage({ params }: Props) {
  const user = await requireUser();
  const { datasetId, path } = await params;
  const d = await orNotFound(datasetDetails(user.id, datasetId));
  const file = await orNotFound(previewFile(user.id, datasetId, pathOf(path)));
  const download = fileUrl(datasetId, file.path);
  const p = file.preview;
  const code = p.kind === 'text' ? highlightCode(p.text, p.language) : null;

  return (
    <div className="space-y-4">
      <Breadcrumb datasetId={d.id} datasetName={d.name} path={parentOf(file.path)} file={{ name: file.name, href: filePageHref(d.id, file.path) }} />
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold break-all">{file.name}</h1>
          <p className="mt-1 text-sm text-slate-600">
            {formatBytes(file.size)} · modified <RelativeTime value={file.updatedAt} />
          </p>
        </div>
        <a href={download} download className={buttonClass('primary')}>Download<span className="sr-only"> {file.name}</span></a>
      </div>
      <section aria-label="Preview" className="rounded-xl border border-slate-200 bg-white p-4 sm:p-5">
        {p.kind === 'image' && (
          // eslint-disable-next-line @next/next/no-img-element -- a user's file, served by our own route with its authorization
          <img src={download} alt={file.name} className="mx-auto max-h-[75vh] max-w-full rounded" />
        )}
        {p.kind === 'markdown' && <MarkdownView text={p.text} datasetId={d.id} folder={parentOf(file.path)} />}
        {p.kind === 'text' && (code ? (
          // Highlighted on the server by sugar-high, which HTML-escapes all of the file's text (lib/previews/highlight.test.ts).
          <pre className="code-preview max-h-[75vh] overflow-auto rounded-md bg-slate-50 p-3 font-mono text-sm whitespace-pre" tabIndex={0} aria-label={`Contents of ${file.name}`}><code dangerouslySetInnerHTML={{ __html: code }} /></pre>
        ) : (
          <pre className="max-h-[75vh] overflow-auto rounded-md bg-slate-50 p-3 font-mono text-sm whitespace-pre" tabIndex={0} aria-label={`Contents of ${file.name}`}>{p.text}</pre>
        ))}
        {p.kind === 'table' && (
          <div className="space-y-2">
            {p.note && <p className="text-sm text-slate-600">{p.note}</p>}
            <TableView table={p.table} label={`First rows of ${file.name}`} />
          </div>
        )}
        {p.kind === 'unavailable' && <p className="text-slate-600">{p.reason}</p>}
        {(p.kind === 'text' || p.kind === 'markdown') && p.truncated && (
          <p className="mt-2 text-sm text-slate-600">Showing the first {formatBytes(1024 * 1024)} of {formatBytes(file.size)}. Download the file for the rest.</p>
        )}
      </section>
    </div>
  );
}
