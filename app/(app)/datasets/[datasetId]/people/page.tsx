import { PeopleSection } from '@/components/sharing/people-section';
import { requireUser } from '@/lib/auth/session';
import { datasetDetails } from '@/lib/dataset-page';
import { orNotFound } from '@/lib/http/pages';

type Props = { params: Promise<{ datasetId: string }> };

/** People: the owner, users and teams with their roles; managers also act on invitations here. */
export default async function DatasetPeople({ params }: Props) {
  const user = await requireUser();
  const { datasetId } = await params;
  const d = await orNotFound(datasetDetails(user.id, datasetId));
  return <PeopleSection userId={user.id} dataset={d} />;
}
