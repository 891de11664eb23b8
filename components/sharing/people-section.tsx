import { can, grantableRoles, mayLeaveDataset } from '@/lib/access';
import { listPeopleWithAccess } from '@/lib/grants';
import { getDb } from '@/db/client';
import { listAccessRequests } from '@/lib/sharing-requests';
import { AccessList } from './access-list';
import { AccessRequests } from './access-requests';
import { PEOPLE_HEADING_ID } from './ids';

/** The "People with access" region of a dataset page; pending invitations only reach managers. */
export async function PeopleSection({ userId, dataset }: { userId: string; dataset: { id: string; name: string; directGrant: boolean } }) {
  const view = await listPeopleWithAccess(userId, dataset.id);
  const canManage = can(view.myRole, 'access.manage');
  return (
    <section id="people" aria-label="People with access" className="rounded-xl border border-slate-200 bg-white p-5">
      {/* The Share button sits next to the dataset's name (the dataset layout's header). */}
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 id={PEOPLE_HEADING_ID} tabIndex={-1} className="text-lg font-semibold outline-none">People with access</h2>
      </div>
      {canManage && <AccessRequests datasetId={dataset.id} requests={await listAccessRequests(await getDb(), dataset.id)} roles={grantableRoles(view.myRole)} />}
      <AccessList
        datasetId={dataset.id}
        owner={view.owner}
        people={view.people}
        invitations={view.invitations}
        canManage={canManage}
        isOwner={can(view.myRole, 'dataset.admin')}
        canLeave={mayLeaveDataset(view.myRole) && dataset.directGrant}
      />
    </section>
  );
}
