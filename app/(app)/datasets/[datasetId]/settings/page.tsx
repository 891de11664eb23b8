import { notFound } from 'next/navigation';
import { DatasetSettings } from '@/components/datasets/dataset-settings';
import { can } from '@/lib/access';
import { requireUser } from '@/lib/auth/session';
import { datasetDetails } from '@/lib/dataset-page';
import { orNotFound } from '@/lib/http/pages';

type Props = { params: Promise<{ datasetId: string }> };

/** Settings (owner only; others get the 404 a stranger gets): rename, lock read-only, delete. */
export default async function DatasetSettingsPage({ params }: Props) {
  const user = await requireUser();
  const { datasetId } = await params;
  const d = await orNotFound(datasetDetails(user.id, datasetId));
  if (!can(d.role, 'dataset.admin')) notFound();
  return (
    <section aria-labelledby="settings-heading" className="rounded-xl border border-slate-200 bg-white p-5">
      <h2 id="settings-heading" className="mb-3 text-lg font-semibold">Dataset settings</h2>
      <DatasetSettings datasetId={d.id} name={d.name} readOnly={d.readOnly} />
    </section>
  );
}
