import type { Metadata } from 'next';
import { FileBrowserSection } from '@/components/file-browser/file-browser-section';
import { requireUser } from '@/lib/auth/session';
import { datasetDetails } from '@/lib/dataset-page';
import { parseFolderPageParams } from '@/lib/files';
import { orNotFound } from '@/lib/http/pages';

type Props = { params: Promise<{ datasetId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export const metadata: Metadata = {};

/** Files: one folder at a time (?path=), a page of 100 entries sorted on the server, or a search (?q=). */
export default async function DatasetFiles({ params, searchParams }: Props) {
  const user = await requireUser();
  const { datasetId } = await params;
  const sp = await searchParams;
  const d = await orNotFound(datasetDetails(user.id, datasetId));
  const path = typeof sp.path === 'string' ? sp.path : '';
  const query = typeof sp.q === 'string' ? sp.q : '';
  return <FileBrowserSection userId={user.id} datasetId={d.id} datasetName={d.name} path={path} query={query} view={parseFolderPageParams(sp)} role={d.role} readOnly={d.readOnly} />;
}
