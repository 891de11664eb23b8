import Link from 'next/link';
import { ActivityList } from '@/components/activity/activity-list';
import { describeDatasetActivity } from '@/components/datasets/describe-activity';
import { DatasetSettings } from '@/components/datasets/dataset-settings';
import { DescriptionEditor } from '@/components/datasets/description-editor';
import { UseDataset } from '@/components/datasets/use-dataset';
import { FileBrowserSection } from '@/components/file-browser/file-browser-section';
import { MarkdownView } from '@/components/previews/markdown-view';
import { PeopleSection } from '@/components/sharing/people-section';
import { can } from '@/lib/access';
import { requireUser } from '@/lib/auth/session';
import { config } from '@/lib/config';
import { datasetDetails } from '@/lib/dataset-page';
import { listDatasetActivity } from '@/lib/datasets';
import { parseFolderPageParams } from '@/lib/files';
import { orNotFound } from '@/lib/http/pages';
import { readDatasetReadme } from '@/lib/previews';

type Props = { params: Promise<{ datasetId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * Overview: the dataset card (README.md at the root, else the description), the top folder's files
 * (with upload, new folder, rename, delete), the people with access, "Use this dataset", the newest
 * activity and the owner's settings — what the contract's details page holds. Older links with ?path= or ?q= still show that folder or search.
 */
export default async function DatasetOverview({ params, searchParams }: Props) {
  const user = await requireUser();
  const { datasetId } = await params;
  const sp = await searchParams;
  const path = typeof sp.path === 'string' ? sp.path : '';
  const query = typeof sp.q === 'string' ? sp.q : '';
  const d = await orNotFound(datasetDetails(user.id, datasetId));
  const readme = await readDatasetReadme(user.id, datasetId);
  // The contract's details page also holds the newest activity (managers, owner) and the owner's
  // settings; the Activity and Settings tabs give each its own page.
  const recent = can(d.role, 'access.manage') ? await listDatasetActivity(user.id, datasetId, 8) : null;

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
      <div className="min-w-0 space-y-6">
        <section aria-label="About this dataset" className="space-y-3">
          <DescriptionEditor datasetId={d.id} description={d.description} editable={can(d.role, 'dataset.describe')} />
        </section>
        {readme && (
          <section aria-labelledby="readme-heading" className="rounded-xl border border-slate-200 bg-white p-5">
            <h2 id="readme-heading" className="mb-3 text-sm font-medium text-slate-500">README.md</h2>
            <MarkdownView text={readme.text} datasetId={d.id} />
            {readme.truncated && <p className="mt-3 text-sm text-slate-500">Only the beginning of README.md is shown here.</p>}
          </section>
        )}
        <FileBrowserSection userId={user.id} datasetId={d.id} datasetName={d.name} path={path} query={query} view={parseFolderPageParams(sp)} role={d.role} readOnly={d.readOnly} />
      </div>
      <aside aria-label="Access and use" className="min-w-0 space-y-6">
        <PeopleSection userId={user.id} dataset={d} preview />
        <UseDataset bucket={d.id} endpoint={`${config.appUrl}/s3`} />
        {recent && (
          <section aria-labelledby="recent-activity-heading" className="rounded-xl border border-slate-200 bg-white p-5">
            <h2 id="recent-activity-heading" className="mb-3 text-lg font-semibold">Activity</h2>
            <ActivityList items={recent} describe={describeDatasetActivity} />
            <Link href={`/datasets/${d.id}/activity`} className="mt-3 inline-block text-sm font-medium text-indigo-700 underline">All activity</Link>
          </section>
        )}
        {can(d.role, 'dataset.admin') && (
          <section aria-labelledby="overview-settings-heading" className="rounded-xl border border-slate-200 bg-white p-5">
            <h2 id="overview-settings-heading" className="mb-3 text-lg font-semibold">Dataset settings</h2>
            <DatasetSettings datasetId={d.id} name={d.name} readOnly={d.readOnly} />
          </section>
        )}
      </aside>
    </div>
  );
}
