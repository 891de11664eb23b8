import type { Metadata } from 'next';
import Link from 'next/link';
import { DatasetTabs, type Tab } from '@/components/datasets/dataset-tabs';
import { UploadPanel, UploadsProvider } from '@/components/file-browser/upload-provider';
import { SharePanel } from '@/components/sharing/share-panel';
import { buttonClass } from '@/components/ui/button';
import { RelativeTime } from '@/components/ui/relative-time';
import { can, grantableRoles } from '@/lib/access';
import { getCurrentUser, requireUser } from '@/lib/auth/session';
import { config } from '@/lib/config';
import { datasetDetails } from '@/lib/dataset-page';
import { AppError } from '@/lib/errors';
import { formatBytes, formatCount } from '@/lib/format';
import { listMyTeamNames, teamRoleSources } from '@/lib/sharing';

type Props = { params: Promise<{ datasetId: string }>; children: React.ReactNode };

// The tab names the dataset ("pets-5k-v2 · Trove"); a stranger's tab says only "Dataset". Only "not
// found" is quiet here: anything else (the database unreachable) fails the request at once, as the page would.
export async function generateMetadata({ params }: { params: Promise<{ datasetId: string }> }): Promise<Metadata> {
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

/**
 * Every page of a dataset: the header (name, owner, role, size, files, last update, Share), the
 * sections as links (Overview, Files, People, Activity for managers, Settings for the owner), and the
 * uploads, which keep running while the user moves between them.
 */
export default async function DatasetLayout({ params, children }: Props) {
  const user = await requireUser();
  const { datasetId } = await params;
  // No access: only the page renders (its NOT_FOUND reaches this segment's not-found.tsx, the
  // stranger's 404 with "Request access"); a notFound() here would skip that boundary.
  const d = await datasetDetails(user.id, datasetId).catch((err) => {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return null;
    throw err;
  });
  if (!d) return <>{children}</>;
  const viaTeam = d.role === 'owner' ? undefined : (await teamRoleSources(user.id, [d.id])).get(d.id);
  const base = `/datasets/${d.id}`;
  const canShare = can(d.role, 'access.manage');
  const tabs: Tab[] = [
    { label: 'Overview', href: base },
    { label: 'Files', href: `${base}/files` },
    { label: 'People', href: `${base}/people` },
    ...(canShare ? [{ label: 'Activity', href: `${base}/activity` }] : []),
    ...(can(d.role, 'dataset.admin') ? [{ label: 'Settings', href: `${base}/settings` }] : []),
  ];

  return (
    <UploadsProvider datasetId={d.id} maxUploadBytes={config.maxUploadBytes}>
      <div className="space-y-5">
        <header className="space-y-3">
          <div className="flex flex-wrap items-start justify-between gap-3">
            <div className="min-w-0">
              <h1 id="dataset-heading" className="text-2xl font-semibold break-words [overflow-wrap:anywhere]">{d.name}</h1>
              <p className="mt-1 text-sm text-slate-600">
                Owner: {d.owner.name} <span className="break-all">({d.owner.email})</span> · Your role: <span className="font-medium capitalize">{d.role}</span>
                {viaTeam && <> (via team {viaTeam})</>} ·{' '}
                {formatCount(d.fileCount)} {d.fileCount === 1 ? 'file' : 'files'} · {formatBytes(d.totalSize)}
                {d.historySize > 0 && ` (${formatBytes(d.historySize)} of it in earlier versions and the Trash)`} · updated <RelativeTime value={d.updatedAt} />
              </p>
            </div>
            {canShare ? (
              <SharePanel datasetId={d.id} datasetName={d.name} roles={grantableRoles(d.role)} teams={await listMyTeamNames(user.id)} />
            ) : (
              <Link href={`${base}/people`} className={buttonClass('secondary')}>Who has access</Link>
            )}
          </div>
          {d.readOnly && (
            <p role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              This dataset is locked read-only: no one can change its files until the owner unlocks it.
            </p>
          )}
          <DatasetTabs base={base} tabs={tabs} />
        </header>
        <UploadPanel />
        {children}
      </div>
    </UploadsProvider>
  );
}
