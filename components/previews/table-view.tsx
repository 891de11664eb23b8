import type { TablePreview } from '@/lib/previews';

/** A preview table: column names with their inferred types, the first rows, horizontally scrollable. */
export function TableView({ table, label }: { table: TablePreview; label: string }) {
  return (
    <div className="space-y-2">
      <div className="max-h-[70vh] overflow-auto rounded-md border border-slate-200" tabIndex={0} role="region" aria-label={label}>
        <table className="min-w-full border-collapse text-sm">
          <thead className="sticky top-0 bg-slate-50 text-left">
            <tr>
              <th scope="col" className="border-b border-slate-200 px-2 py-1 text-right font-normal text-slate-400">#</th>
              {table.columns.map((c, i) => (
                <th key={i} scope="col" className="border-b border-slate-200 px-2 py-1 align-bottom font-medium whitespace-nowrap">
                  {c.name}
                  <span className="block text-xs font-normal text-slate-500">{c.type}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((r, i) => (
              <tr key={i} className="odd:bg-white even:bg-slate-50/50">
                <td className="border-b border-slate-100 px-2 py-1 text-right text-slate-400 tabular-nums">{(i + 1).toLocaleString('en-US')}</td>
                {r.map((v, j) => (
                  <td key={j} className="max-w-xs truncate border-b border-slate-100 px-2 py-1 whitespace-nowrap" title={v.length > 40 ? v : undefined}>{v}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="text-sm text-slate-600">
        {table.rows.length.toLocaleString('en-US')} {table.rows.length === 1 ? 'row' : 'rows'} × {table.columns.length.toLocaleString('en-US')} columns
        {table.truncated ? ' shown: the first rows of the file. Download it for the rest.' : '.'}
      </p>
    </div>
  );
}
