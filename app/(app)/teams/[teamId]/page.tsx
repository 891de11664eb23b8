import type { Metadata } from 'next';
import { InviteForm } from '@/components/teams/invite-form';
import { LeaveTeamButton } from '@/components/teams/leave-team-button';
import { MemberList } from '@/components/teams/member-list';
import { TeamActivity } from '@/components/teams/team-activity';
import { TeamDatasets } from '@/components/teams/team-datasets';
import { TeamInvitations } from '@/components/teams/team-invitations';
import { TeamSettings } from '@/components/teams/team-settings';
import { requireUser } from '@/lib/auth/session';
import { orNotFound } from '@/lib/http/pages';
import { getTeamPage } from '@/lib/teams';
import { TEAM_ROLE_LABELS } from '@/lib/validation/teams';

type Props = { params: Promise<{ teamId: string }> };

export const metadata: Metadata = { title: 'Team' };

const box = 'rounded-xl border border-slate-200 bg-white p-5';

export default async function TeamPage({ params }: Props) {
  const user = await requireUser();
  const { teamId } = await params;
  const t = await orNotFound(getTeamPage(user.id, teamId));
  const manage = t.offerableRoles.length > 0;
  const memberWord = t.members.length === 1 ? 'member' : 'members';

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h1 className="break-all text-2xl font-semibold">{t.team.name}</h1>
          <p className="mt-1 text-sm text-slate-600">
            Team · {t.members.length} {memberWord} · Your role: <span className="font-medium">{TEAM_ROLE_LABELS[t.myRole]}</span>
          </p>
        </div>
        <LeaveTeamButton teamId={t.team.id} teamName={t.team.name} />
      </div>

      <section aria-labelledby="members-heading" className={box}>
        <h2 id="members-heading" className="text-lg font-semibold">Members</h2>
        <MemberList teamId={t.team.id} teamName={t.team.name} members={t.members} offerableRoles={t.offerableRoles} />
      </section>

      {manage && (
        <section aria-labelledby="invite-heading" className={box}>
          <h2 id="invite-heading" className="mb-3 text-lg font-semibold">Invite people</h2>
          <InviteForm teamId={t.team.id} offerableRoles={t.offerableRoles} />
        </section>
      )}

      {t.invitations && (
        <section aria-labelledby="invitations-heading" className={box}>
          <h2 id="invitations-heading" className="text-lg font-semibold">Pending invitations</h2>
          <TeamInvitations teamId={t.team.id} invitations={t.invitations} offerableRoles={t.offerableRoles} />
        </section>
      )}

      <section aria-labelledby="datasets-heading" className={box}>
        <h2 id="datasets-heading" className="mb-2 text-lg font-semibold">Datasets shared with this team</h2>
        <TeamDatasets datasets={t.datasets} />
      </section>

      {t.activity && (
        <section aria-labelledby="activity-heading" className={box}>
          <h2 id="activity-heading" className="mb-3 text-lg font-semibold">Activity</h2>
          <TeamActivity items={t.activity} />
        </section>
      )}

      {t.myRole === 'owner' && (
        <section aria-labelledby="settings-heading" className={box}>
          <h2 id="settings-heading" className="mb-3 text-lg font-semibold">Team settings</h2>
          <TeamSettings teamId={t.team.id} name={t.team.name} />
        </section>
      )}
    </div>
  );
}
