import Form from 'next/form';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { describeDatasetActivity } from '@/components/datasets/describe-activity';
import { buttonClass } from '@/components/ui/button';
import { RelativeTime } from '@/components/ui/relative-time';
import { can } from '@/lib/access';
import { ACTIVITY_KINDS, groupActivity } from '@/lib/activity';
import { requireUser } from '@/lib/auth/session';
import { datasetDetails } from '@/lib/dataset-page';
import { listDatasetActivityPage } from '@/lib/datasets';
import { orNotFound } from '@/lib/http/pages';

type Props = { params: Promise<{ datasetId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : '');
const selectClass = 'rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm';

/**
 * Activity (managers and owner; others get a stranger's 404): newest first, 50 at a time with
 * "Older", consecutive events by one person of one kind grouped, filterable by person and kind (GET).
 */
export default async function DatasetActivity({ params, searchParams }: Props) {
  const user = await requireUser();
  const { datasetId } = await params;
  const sp = await searchParams;
  const d = await orNotFound(datasetDetails(user.id, datasetId));
  if (!can(d.role, 'access.manage')) notFound();
  const person = one(sp.person);
  const kind = one(sp.kind);
  const before = one(sp.before);
  const page = await listDatasetActivityPage(user.id, d.id, { actorId: person || null, kind: kind || null, before: before || null });
  const groups = groupActivity(page.items);
  const base = `/datasets/${d.id}/activity`;
  const filters = new URLSearchParams();
  if (person) filters.set('person', person);
  if (kind) filters.set('kind', kind);
  const olderHref = page.older ? `${base}?${new URLSearchParams([...filters, ['before', page.older]])}` : null;

  return (
    <section aria-labelledby="activity-heading" className="rounded-xl border border-slate-200 bg-white p-4 sm:p-5">
      <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
        <h2 id="activity-heading" className="text-lg font-semibold">Activity</h2>
        <Form action={base} className="flex flex-wrap items-end gap-2" aria-label="Filter activity">
          <label className="flex flex-col gap-1 text-sm text-slate-700">
            Person
            <select name="person" defaultValue={person} className={selectClass}>
              <option value="">Everyone</option>
              {page.actors.map((a) => <option key={a.id} value={a.id}>{a.name} ({a.email})</option>)}
            </select>
          </label>
          <label className="flex flex-col gap-1 text-sm text-slate-700">
            Kind
            <select name="kind" defaultValue={kind} className={selectClass}>
              <option value="">All kinds</option>
              {Object.entries(ACTIVITY_KINDS).map(([k, v]) => <option key={k} value={k}>{v.label}</option>)}
            </select>
          </label>
          <button type="submit" className={buttonClass('secondary', 'py-1.5')}>Filter</button>
          {(person || kind) && <Link href={base} className="px-1 py-1.5 text-sm font-medium text-indigo-700 underline">Clear filters</Link>}
        </Form>
      </div>
      {groups.length === 0 ? (
        <p className="text-sm text-slate-500">{person || kind || before ? 'No activity matches.' : 'No activity yet.'}</p>
      ) : (
        <ol className="space-y-3 text-sm">
          {groups.map((g) => (
            <li key={g.key} className="rounded-lg border border-slate-100 p-3">
              <p className="font-medium">
                {g.actorName ?? 'Someone'}
                {g.items.length > 1 && <span className="font-normal text-slate-500"> · {g.items.length} changes</span>}
              </p>
              <ol className="mt-1 space-y-1">
                {g.items.map((a) => (
                  <li key={a.id} className="flex flex-wrap gap-x-2">
                    <span className="break-words [overflow-wrap:anywhere] text-slate-700">{describeDatasetActivity(a)}</span>
                    <RelativeTime className="text-slate-500" value={a.createdAt} />
                  </li>
                ))}
              </ol>
            </li>
          ))}
        </ol>
      )}
      <nav aria-label="Activity pages" className="mt-4 flex gap-2 text-sm">
        {before && <Link href={`${base}${filters.size ? `?${filters}` : ''}`} className={buttonClass('secondary', 'py-1.5')}>Newest</Link>}
        {olderHref && <Link href={olderHref} className={buttonClass('secondary', 'py-1.5')}>Older</Link>}
      </nav>
    </section>
  );
}
