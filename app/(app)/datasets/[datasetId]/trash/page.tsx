import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { folderHref } from '@/components/file-browser/urls';
import { TrashList } from '@/components/trash/trash-list';
import { can } from '@/lib/access';
import { requireUser } from '@/lib/auth/session';
import { config } from '@/lib/config';
import { getDatasetDetails } from '@/lib/datasets';
import { listTrash } from '@/lib/file-history';
import { formatBytes } from '@/lib/format';
import { orNotFound } from '@/lib/http/pages';

type Props = { params: Promise<{ datasetId: string }> };

export const metadata: Metadata = { title: 'Trash' };

/** A dataset's Trash: what was deleted, restorable by managers and the owner until emptied (by them, or after TRASH_DAYS). */
export default async function TrashPage({ params }: Props) {
  const user = await requireUser();
  const { datasetId } = await params;
  const d = await orNotFound(getDatasetDetails(user.id, datasetId));
  // Only managers and the owner delete, so only they see what was deleted.
  if (!can(d.role, 'files.manage')) notFound();
  const items = await listTrash(user.id, d.id);
  const total = items.reduce((n, i) => n + i.size, 0);
  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href={folderHref(d.id, '')} className="break-all rounded px-1 text-indigo-700 hover:underline">← {d.name}</Link>
      </nav>
      <div>
        <h1 className="text-2xl font-semibold">Trash</h1>
        <p className="mt-1 text-sm text-slate-600">
          Deleted files and folders of <span className="font-medium break-all">{d.name}</span> stay here for {config.trashDays} days, then are deleted for good. They count in the
          dataset’s size{items.length > 0 ? ` (${formatBytes(total)} here)` : ''}.
        </p>
      </div>
      {d.readOnly && (
        <p role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          The dataset is locked read-only: nothing can be restored or emptied until the owner unlocks it.
        </p>
      )}
      <TrashList
        datasetId={d.id}
        readOnly={d.readOnly}
        items={items.map((i) => ({ ...i, deletedAt: i.deletedAt.toISOString() }))}
      />
    </div>
  );
}
