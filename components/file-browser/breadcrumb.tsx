import Link from 'next/link';
import { folderHref } from './urls';

/** Dataset › folder › sub-folder (› file, on a file's page); the last one is marked aria-current. */
export function Breadcrumb({ datasetId, datasetName, path, file }: { datasetId: string; datasetName: string; path: string; file?: { name: string; href: string } }) {
  const parts = path ? path.split('/') : [];
  const crumbs = [{ label: datasetName, href: folderHref(datasetId, '') }, ...parts.map((p, i) => ({ label: p, href: folderHref(datasetId, parts.slice(0, i + 1).join('/')) }))];
  if (file) crumbs.push({ label: file.name, href: file.href });
  return (
    <nav aria-label="Breadcrumb" className="text-sm">
      <ol className="flex flex-wrap items-center gap-1 text-slate-600">
        {crumbs.map((c, i) => {
          const last = i === crumbs.length - 1;
          return (
            <li key={c.href} className="flex min-w-0 items-center gap-1">
              {i > 0 && <span aria-hidden="true" className="text-slate-400">/</span>}
              <Link href={c.href} aria-current={last ? 'page' : undefined} className={`break-all rounded px-1 hover:underline ${last ? 'font-medium text-slate-900' : 'text-indigo-700'}`}>
                {c.label}
              </Link>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
