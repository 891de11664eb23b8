import type { Metadata } from 'next';
import Link from 'next/link';
import { DatasetTable, type DatasetTableRow } from '@/components/datasets/dataset-table';
import { buttonClass } from '@/components/ui/button';
import { requireUser } from '@/lib/auth/session';
import { listDatasetsForUser, type InventoryRow } from '@/lib/datasets';
import { formatCount } from '@/lib/format';
import { inventoryQuerySchema, searchProblem, type InventoryFilter } from '@/lib/validation/datasets';

export const metadata: Metadata = { title: 'Datasets' };

const FILTERS: { value: InventoryFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'owned', label: 'Owned by me' },
  { value: 'shared', label: 'Shared with me' },
];

function href(filter: InventoryFilter, q: string, at?: { after?: string; before?: string }) {
  const p = new URLSearchParams();
  if (filter !== 'all') p.set('filter', filter);
  if (q) p.set('q', q);
  if (at?.after) p.set('after', at.after);
  if (at?.before) p.set('before', at.before);
  const s = p.toString();
  return s ? `/datasets?${s}` : '/datasets';
}

function tableRow(d: InventoryRow): DatasetTableRow {
  return {
    id: d.id,
    name: d.name,
    role: d.role,
    badge: d.role === 'owner' ? null : d.viaTeam ? `Shared via ${d.viaTeam}` : d.viaTeamOnly ? 'Shared via team' : 'Shared',
    ownerName: d.owner.name,
    ownerEmail: d.owner.email,
    fileCount: d.fileCount,
    totalSize: d.totalSize,
    updatedAt: d.updatedAt.toISOString(),
  };
}

export default async function DatasetsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const sp = await searchParams;
  const query = inventoryQuerySchema.parse(sp);
  const problem = searchProblem(sp.q);
  const { items, total, bounded, next, previous } = await listDatasetsForUser(user.id, query);
  const filtered = query.q !== '' || query.filter !== 'all';

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Datasets</h1>
        <Link href="/datasets/new" className={buttonClass('primary')}>New dataset</Link>
      </div>

      <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
        <nav aria-label="Filter datasets" className="flex gap-1 rounded-lg bg-slate-100 p-1">
          {FILTERS.map((f) => (
            <Link
              key={f.value}
              href={href(f.value, query.q)}
              aria-current={query.filter === f.value ? 'page' : undefined}
              className={`rounded-md px-3 py-1.5 text-sm font-medium ${query.filter === f.value ? 'bg-white shadow-sm' : 'text-slate-600 hover:text-slate-900'}`}
            >
              {f.label}
            </Link>
          ))}
        </nav>
        <form role="search" action="/datasets" className="flex gap-2">
          {query.filter !== 'all' && <input type="hidden" name="filter" value={query.filter} />}
          <input
            type="search"
            name="q"
            defaultValue={query.q}
            aria-label="Search datasets"
            placeholder="Search datasets"
            className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm sm:w-64"
          />
          <button type="submit" className={buttonClass('secondary')}>Search</button>
        </form>
      </div>

      {problem && <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">{problem}</p>}

      {items.length === 0 ? (
        <div className="rounded-xl border border-dashed border-slate-300 bg-white p-10 text-center">
          {filtered ? (
            <p className="text-slate-600">No datasets match. <Link className="text-indigo-700 underline" href="/datasets">Show all datasets</Link></p>
          ) : (
            <>
              <p className="text-lg font-medium">No datasets yet</p>
              <p className="mt-1 text-slate-600">Create one to upload files, then share it with people or teams.</p>
              <Link href="/datasets/new" className={buttonClass('primary', 'mt-4')}>New dataset</Link>
            </>
          )}
        </div>
      ) : (
        <DatasetTable rows={items.map(tableRow)} />
      )}

      {(next || previous) && (
        <nav aria-label="Pagination" className="flex items-center justify-between text-sm">
          <span className="text-slate-600">
            {formatCount(total)}
            {bounded ? '+' : ''} datasets
          </span>
          <span className="flex gap-2">
            {previous && <Link className={buttonClass('secondary')} href={href(query.filter, query.q, { before: previous })}>Previous</Link>}
            {next && <Link className={buttonClass('secondary')} href={href(query.filter, query.q, { after: next })}>Next</Link>}
          </span>
        </nav>
      )}
    </div>
  );
}
