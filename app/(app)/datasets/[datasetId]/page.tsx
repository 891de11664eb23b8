import type { Metadata } from 'next';
import { cache } from 'react';
import { ActivityList } from '@/components/activity/activity-list';
import { describeDatasetActivity } from '@/components/datasets/describe-activity';
import { DatasetSettings } from '@/components/datasets/dataset-settings';
import { DescriptionEditor } from '@/components/datasets/description-editor';
import { UseDataset } from '@/components/datasets/use-dataset';
import { PeopleSection } from '@/components/sharing/people-section';
import { FileBrowserSection } from '@/components/file-browser/file-browser-section';
import { can } from '@/lib/access';
import { getCurrentUser, requireUser } from '@/lib/auth/session';
import { config } from '@/lib/config';
import { AppError } from '@/lib/errors';
import { orNotFound } from '@/lib/http/pages';
import { getDatasetDetails, listDatasetActivity } from '@/lib/datasets';
import { teamRoleSources } from '@/lib/sharing';
import { formatBytes, formatCount } from '@/lib/format';
import { readDatasetReadme } from '@/lib/previews';
import { MarkdownView } from '@/components/previews/markdown-view';

type Props = { params: Promise<{ datasetId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

// One lookup per request, shared by the tab title and the page.
const datasetDetails = cache(getDatasetDetails);

// The tab names the dataset ("pets-5k-v2 · Trove"); a stranger's tab says only "Dataset". Only "not
// found" is quiet here: anything else (the database unreachable) fails the request at once, as the page would.
export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const user = await getCurrentUser();
  const { datasetId } = await params;
  const d = user
    ? await datasetDetails(user.id, datasetId).catch((err) => {
        if (err instanceof AppError) return null;
        throw err;
      })
    : null;
  return { title: d?.name ?? 'Dataset' };
}

export default async function DatasetPage({ params, searchParams }: Props) {
  const user = await requireUser();
  const { datasetId } = await params;
  const sp = await searchParams;
  const path = typeof sp.path === 'string' ? sp.path : '';
  const query = typeof sp.q === 'string' ? sp.q : '';
  const d = await orNotFound(datasetDetails(user.id, datasetId));
  const viaTeam = d.role === 'owner' ? undefined : (await teamRoleSources(user.id, [d.id])).get(d.id);
  const activity = can(d.role, 'access.manage') ? await listDatasetActivity(user.id, datasetId) : null;
  // The dataset card: README.md at the root, shown on the top folder's view.
  const readme = path || query ? null : await readDatasetReadme(user.id, datasetId);

  return (
    <div className="space-y-8">
      <section aria-labelledby="dataset-heading" className="space-y-3">
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div>
            <h1 id="dataset-heading" className="break-all text-2xl font-semibold">{d.name}</h1>
            <p className="mt-1 text-sm text-slate-600">
              Owner: {d.owner.name} ({d.owner.email}) · Your role: <span className="font-medium capitalize">{d.role}</span>
              {viaTeam && <> (via team {viaTeam})</>} · {formatCount(d.fileCount)} {d.fileCount === 1 ? 'file' : 'files'} · {formatBytes(d.totalSize)}
              {d.historySize > 0 && ` (${formatBytes(d.historySize)} of it in earlier versions and the Trash)`}
            </p>
          </div>
        </div>
        {d.readOnly && (
          <p role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            This dataset is locked read-only: no one can change its files until the owner unlocks it.
          </p>
        )}
        <DescriptionEditor datasetId={d.id} description={d.description} editable={can(d.role, 'dataset.describe')} />
      </section>

      {readme && (
        <section aria-labelledby="readme-heading" className="rounded-xl border border-slate-200 bg-white p-5">
          <h2 id="readme-heading" className="mb-3 text-sm font-medium text-slate-500">README.md</h2>
          <MarkdownView text={readme.text} datasetId={d.id} />
          {readme.truncated && <p className="mt-3 text-sm text-slate-500">Only the beginning of README.md is shown here.</p>}
        </section>
      )}

      <FileBrowserSection userId={user.id} datasetId={d.id} datasetName={d.name} path={path} query={query} role={d.role} readOnly={d.readOnly} />

      <UseDataset bucket={d.id} endpoint={`${config.appUrl}/s3`} />

      <PeopleSection userId={user.id} dataset={d} />

      {activity && (
        <section aria-labelledby="activity-heading" className="rounded-xl border border-slate-200 bg-white p-5">
          <h2 id="activity-heading" className="mb-3 text-lg font-semibold">Activity</h2>
          <ActivityList items={activity} describe={describeDatasetActivity} />
        </section>
      )}

      {can(d.role, 'dataset.admin') && (
        <section aria-labelledby="settings-heading" className="rounded-xl border border-slate-200 bg-white p-5">
          <h2 id="settings-heading" className="mb-3 text-lg font-semibold">Dataset settings</h2>
          <DatasetSettings datasetId={d.id} name={d.name} readOnly={d.readOnly} />
        </section>
      )}
    </div>
  );
}
