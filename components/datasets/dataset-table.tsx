'use client';

import { RelativeTime } from '@/components/ui/relative-time';
import type { DatasetRole } from '@/lib/access';
import { formatBytes, formatCount } from '@/lib/format';

/** What one inventory row shows: only that crosses to the browser. */
export type DatasetTableRow = {
  id: string;
  name: string;
  role: DatasetRole;
  /** Shared datasets: "Shared", "Shared via team" or "Shared via <team>". */
  badge: string | null;
  ownerName: string;
  ownerEmail: string;
  fileCount: number;
  totalSize: number;
  /** ISO 8601 */
  updatedAt: string;
};

const roleLabel = (r: string) => r.charAt(0).toUpperCase() + r.slice(1);

// A client component on purpose: the server sends each row as a small props object instead of a tree
// of elements in the page's RSC payload, which made rendering 50 rows the inventory's main cost
// (npm run bench:scale, P1). It has no state; the browser only hydrates it.
export function DatasetTable({ rows }: { rows: DatasetTableRow[] }) {
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Your datasets</caption>
        <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="px-4 py-2">Name</th>
            <th scope="col" className="hidden px-4 py-2 md:table-cell">Owner</th>
            <th scope="col" className="px-4 py-2">Your role</th>
            <th scope="col" className="hidden px-4 py-2 sm:table-cell">Files</th>
            <th scope="col" className="hidden px-4 py-2 sm:table-cell">Size</th>
            <th scope="col" className="hidden px-4 py-2 lg:table-cell">Updated</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((d) => (
            <tr key={d.id} className="hover:bg-slate-50">
              <td className="px-4 py-3">
                <a href={`/datasets/${d.id}`} className="font-medium text-indigo-700 hover:underline">{d.name}</a>
                {d.badge && <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-900">{d.badge}</span>}
                <div className="text-xs text-slate-500 md:hidden">by {d.ownerName}</div>
              </td>
              <td className="hidden px-4 py-3 md:table-cell" title={d.ownerEmail}>
                {d.role === 'owner' ? 'You' : `${d.ownerName} (${d.ownerEmail})`}
              </td>
              <td className="px-4 py-3">{roleLabel(d.role)}</td>
              <td className="hidden px-4 py-3 tabular-nums sm:table-cell">{formatCount(d.fileCount)}</td>
              <td className="hidden px-4 py-3 sm:table-cell">{formatBytes(d.totalSize)}</td>
              <td className="hidden px-4 py-3 text-slate-600 lg:table-cell"><RelativeTime value={d.updatedAt} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
