import { can, grantableRoles, mayLeaveDataset } from '@/lib/access';
import { listPeopleWithAccess } from '@/lib/grants';
import { getDb } from '@/db/client';
import { listAccessRequests } from '@/lib/sharing-requests';
import { AccessList } from './access-list';
import { AccessRequests } from './access-requests';
import { PEOPLE_HEADING_ID } from './ids';

/** On the Overview: this many people and invitations, then a link to the People tab. */
const OVERVIEW_PEOPLE = 10;
const OVERVIEW_INVITATIONS = 5;

/**
 * The "People with access" region of a dataset page; pending invitations only reach managers. `preview`
 * (the Overview) shows the first few and links to the People tab, which shows everyone.
 */
export async function PeopleSection({ userId, dataset, preview = false }: { userId: string; dataset: { id: string; name: string; directGrant: boolean }; preview?: boolean }) {
  const view = await listPeopleWithAccess(userId, dataset.id);
  const canManage = can(view.myRole, 'access.manage');
  const isOwner = can(view.myRole, 'dataset.admin');
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
        people={preview ? view.people.slice(0, OVERVIEW_PEOPLE) : view.people}
        invitations={preview ? (view.invitations?.slice(0, OVERVIEW_INVITATIONS) ?? null) : view.invitations}
        canManage={canManage}
        isOwner={isOwner}
        canLeave={mayLeaveDataset(view.myRole) && dataset.directGrant}
        transferCandidates={isOwner ? view.people.flatMap((p) => (p.kind === 'user' ? [{ grantId: p.grantId, name: p.name, label: p.label }] : [])) : []}
        more={
          preview && (view.people.length > OVERVIEW_PEOPLE || (view.invitations?.length ?? 0) > OVERVIEW_INVITATIONS)
            ? { people: view.people.length + 1, invitations: view.invitations?.length ?? 0, href: `/datasets/${dataset.id}/people` }
            : undefined
        }
      />
    </section>
  );
}
