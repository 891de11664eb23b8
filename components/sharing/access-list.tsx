'use client';

import { useId, useState, useTransition } from 'react';
import {
  changeRoleAction,
  leaveDatasetAction,
  manageInvitationAction,
  removeAccessAction,
  setAccessUntilAction,
  transferOwnershipAction,
  undoRemoveAccessAction,
  undoRevokeInvitationAction,
} from '@/app/(app)/datasets/[datasetId]/sharing-actions';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { useToast } from '@/components/ui/toast';
import { focusPeopleHeading } from './ids';
import { InviteLink } from './invite-link';
import type { ManagedInvitation } from '@/lib/invitations/manage';
import type { PersonWithAccess } from '@/lib/grants';
import { formatDateTime, formatExpiry } from '@/lib/format';

type Result<T = unknown> = { ok: true; data: T } | { ok: false; formError?: string; fieldErrors?: Record<string, string> };
const ROLES = [
  ['viewer', 'Viewer'],
  ['editor', 'Editor'],
  ['manager', 'Manager'],
] as const;

export type TransferCandidate = Pick<PersonWithAccess, 'grantId' | 'name' | 'label'>;

type Props = {
  datasetId: string;
  owner: { name: string; email: string };
  people: PersonWithAccess[];
  invitations: ManagedInvitation[] | null;
  canManage: boolean;
  isOwner: boolean;
  canLeave: boolean;
  /** Users ownership can go to (every user with a grant, also those a preview leaves out). */
  transferCandidates: TransferCandidate[];
  /**
   * The Overview shows the first few people and invitations (the server sends only those) and links
   * to the People tab for the rest: the totals and that link.
   */
  more?: { people: number; invitations: number; href: string };
};

const failureText = (r: { formError?: string; fieldErrors?: Record<string, string> }) => r.formError ?? Object.values(r.fieldErrors ?? {})[0] ?? 'That did not work.';

/** People with access: owner first, then users and teams (with controls for managers), then pending invitations. */
export function AccessList({ datasetId, owner, people, invitations, canManage, isOwner, canLeave, transferCandidates: users, more }: Props) {
  const toast = useToast();
  const [links, setLinks] = useState<Record<string, string>>({});
  const [confirm, setConfirm] = useState<{ title: string; body?: string; verb: string; run: () => Promise<void> } | null>(null);
  const [transferTo, setTransferTo] = useState<string | null>(null);
  const [until, setUntil] = useState<PersonWithAccess | null>(null);
  const [pending, startTransition] = useTransition();

  /** Runs an action; failures show as an error toast (and above the list), successes as `done`'s toast. */
  const run = <T,>(fn: () => Promise<Result<T> | undefined>, done?: (data: T) => void) =>
    new Promise<void>((resolve) =>
      startTransition(async () => {
        const r = await fn();
        if (!r) return resolve(); // the action redirected
        if (!r.ok) {
          // Said once, in the notification region (a second copy above the list would repeat it).
          toast.show(failureText(r), { tone: 'error', durationMs: 10_000 });
        } else done?.(r.data);
        resolve();
      }),
    );

  const remove = (p: PersonWithAccess) =>
    setConfirm({
      title: `Remove ${p.label}?`,
      body: p.kind === 'team' ? `Members of team ${p.name} lose the access the team gave them.` : `${p.name} loses access at once.`,
      verb: 'Remove',
      run: () =>
        run(() => removeAccessAction({ datasetId, grantId: p.grantId }), (data) => {
          focusPeopleHeading();
          toast.show(`Removed ${p.label}.`, {
            action: {
              label: 'Undo',
              run: () => run(() => undoRemoveAccessAction({ datasetId, undoId: data.undoId }), () => toast.show(`${p.label} has access again.`)),
            },
          });
        }),
    });

  const revoke = (i: ManagedInvitation) =>
    setConfirm({
      title: `Revoke the invitation for ${i.email}?`,
      body: 'Its link stops working at once.',
      verb: 'Revoke',
      run: () =>
        run(() => manageInvitationAction({ datasetId, invitationId: i.id, action: 'revoke' }), (data) => {
          focusPeopleHeading();
          const undoId = data.undoId;
          toast.show(`Revoked the invitation for ${i.email}.`, {
            action: undoId
              ? { label: 'Undo', run: () => run(() => undoRevokeInvitationAction({ datasetId, undoId }), () => toast.show(`The invitation for ${i.email} is pending again, with the same link.`)) }
              : undefined,
          });
        }),
    });

  return (
    <div className="space-y-4">
      <ul className="divide-y divide-slate-100">
        <li className="flex flex-wrap items-center justify-between gap-2 py-2">
          <span><span className="font-medium">{owner.name}</span> <span className="text-sm text-slate-600">{owner.email}</span></span>
          <span className="text-sm font-medium">Owner</span>
        </li>
        {people.map((p) => (
          <li key={p.grantId} className="flex flex-wrap items-center justify-between gap-2 py-2">
            <span className="min-w-0 break-all">
              {p.kind === 'team' ? <span className="font-medium">Team {p.name}</span> : <><span className="font-medium">{p.name}</span> <span className="text-sm text-slate-600">{p.label}</span></>}
              {p.isMe && <span className="ml-1 text-xs text-slate-500">(you)</span>}
              {p.expiresAt && <span className="ml-2 text-xs text-amber-800">access until {formatDateTime(p.expiresAt)}</span>}
            </span>
            {canManage ? (
              <span className="flex flex-wrap items-center gap-2">
                <select
                  aria-label={`Role for ${p.label}`}
                  defaultValue={p.role}
                  disabled={pending}
                  onChange={(e) => {
                    const role = e.target.value as 'viewer';
                    void run(() => changeRoleAction({ datasetId, grantId: p.grantId, role }), () => toast.show(`${p.label} is now ${ROLE_NAME[role]}.`));
                  }}
                  className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
                >
                  {ROLES.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
                </select>
                <Button variant="ghost" className="py-1" disabled={pending} onClick={() => setUntil(p)}>
                  <span aria-hidden>Access until…</span><span className="sr-only">Access until for {p.label}</span>
                </Button>
                <Button variant="ghost" className="py-1 text-red-700" onClick={() => remove(p)}>
                  <span aria-hidden>Remove</span><span className="sr-only">Remove {p.label}</span>
                </Button>
              </span>
            ) : (
              <span className="text-sm capitalize">{p.role}</span>
            )}
          </li>
        ))}
      </ul>

      {invitations && invitations.length > 0 && (
        <div>
          <h3 className="mb-1 text-sm font-semibold text-slate-700">Invitations</h3>
          <ul className="divide-y divide-slate-100">
            {invitations.map((i) => (
              <li key={i.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                <span className="min-w-0 break-all">
                  <span className="font-medium">{i.email}</span> · <span className="capitalize">{i.role}</span> · invited by {i.invitedByName ?? 'someone'} ·{' '}
                  {i.expired ? (
                    <span className="font-medium text-red-700">expired</span>
                  ) : (
                    // The date as well as "in 3 days": extending a fresh invitation changes only the date.
                    <>expires {formatExpiry(i.expiresAt)} <span className="text-slate-600">({formatDateTime(i.expiresAt)})</span></>
                  )}
                  {i.emailStatus === 'failed' && <span className="ml-1 font-medium text-red-700">· email failed</span>}
                  {links[i.id] && <InviteLink email={i.email} link={links[i.id]} />}
                </span>
                <span className="flex flex-wrap gap-1">
                  <Button
                    variant="secondary"
                    className="py-1"
                    disabled={pending}
                    aria-label={`Extend invitation for ${i.email}`}
                    onClick={() =>
                      run(() => manageInvitationAction({ datasetId, invitationId: i.id, action: 'extend' }), (data) =>
                        toast.show(`Extended the invitation for ${i.email}: it now expires ${data.expiresAt ? formatDateTime(data.expiresAt) : 'in 72 hours'}.`),
                      )
                    }
                  >
                    Extend
                  </Button>
                  <Button
                    variant="secondary"
                    className="py-1"
                    disabled={pending}
                    aria-label={`Resend invitation to ${i.email}`}
                    onClick={() =>
                      run(() => manageInvitationAction({ datasetId, invitationId: i.id, action: 'resend' }), (data) => {
                        if (data.link) {
                          setLinks((l) => ({ ...l, [i.id]: data.link! }));
                          toast.show(`New link for ${i.email} made; the old one no longer works. Copy it below.`);
                        } else toast.show(`Invitation re-sent to ${i.email}; the old link no longer works.`);
                      })
                    }
                  >
                    Resend
                  </Button>
                  <Button variant="secondary" className="py-1 text-red-700" disabled={pending} aria-label={`Revoke invitation for ${i.email}`} onClick={() => revoke(i)}>Revoke</Button>
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}

      {more && (
        <a href={more.href} className="inline-block text-sm font-medium text-indigo-700 underline">
          See all {more.people} people{more.invitations ? ` and ${more.invitations} invitation${more.invitations === 1 ? '' : 's'}` : ''}
        </a>
      )}

      <div className="flex flex-wrap gap-2">
        {canLeave && (
          <Button
            variant="secondary"
            onClick={() =>
              setConfirm({
                title: 'Leave this dataset?',
                verb: 'Leave',
                run: () =>
                  run(async () => {
                    const r = await leaveDatasetAction({ datasetId });
                    if (!r) toast.show('You left the dataset.');
                    return r;
                  }),
              })
            }
          >
            Leave dataset
          </Button>
        )}
        {isOwner && users.length > 0 && <Button variant="secondary" onClick={() => setTransferTo(users[0].grantId)}>Transfer ownership</Button>}
      </div>

      <Dialog open={confirm !== null} onClose={() => setConfirm(null)} title={confirm?.title ?? ''}>
        {confirm?.body && <p className="mb-4 text-sm text-slate-700">{confirm.body}</p>}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setConfirm(null)}>Cancel</Button>
          <Button variant="danger" disabled={pending} onClick={() => confirm && confirm.run().then(() => setConfirm(null))}>{confirm?.verb}</Button>
        </div>
      </Dialog>

      <AccessUntilDialog
        person={until}
        pending={pending}
        onClose={() => setUntil(null)}
        onSave={(p, date) =>
          run(() => setAccessUntilAction({ datasetId, grantId: p.grantId, expiresAt: date }), () => {
            setUntil(null);
            toast.show(date ? `${p.label} has access until the end of ${date}.` : `${p.label}’s access no longer ends.`);
          })
        }
      />

      <Dialog open={transferTo !== null} onClose={() => setTransferTo(null)} title="Transfer ownership">
        <div className="space-y-4">
          <p className="text-sm text-slate-700">The new owner gets full control; you stay on as a manager.</p>
          <label className="block text-sm font-medium text-slate-700">
            New owner
            <select value={transferTo ?? ''} onChange={(e) => setTransferTo(e.target.value)} className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm">
              {users.map((u) => <option key={u.grantId} value={u.grantId}>{u.name} ({u.label})</option>)}
            </select>
          </label>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setTransferTo(null)}>Cancel</Button>
            <Button
              disabled={pending}
              onClick={() =>
                transferTo &&
                run(() => transferOwnershipAction({ datasetId, grantId: transferTo }), () => {
                  const to = users.find((u) => u.grantId === transferTo);
                  setTransferTo(null);
                  focusPeopleHeading();
                  toast.show(`${to?.name ?? 'They'} now own${to ? 's' : ''} this dataset; you are a manager.`);
                })
              }
            >
              Transfer
            </Button>
          </div>
        </div>
      </Dialog>
    </div>
  );
}

const ROLE_NAME = { viewer: 'a viewer', editor: 'an editor', manager: 'a manager' } as const;

/** The per-row "Access until…" menu: a date (through the end of that day, UTC) or no end. */
function AccessUntilDialog({ person, pending, onClose, onSave }: { person: PersonWithAccess | null; pending: boolean; onClose: () => void; onSave: (p: PersonWithAccess, date: string) => void }) {
  const id = useId();
  const [date, setDate] = useState('');
  const [tomorrow] = useState(() => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10));
  const [shown, setShown] = useState<string | null>(null);
  // A new row opened: start from its current end date.
  if (person && shown !== person.grantId) {
    setShown(person.grantId);
    setDate(person.expiresAt ? new Date(person.expiresAt).toISOString().slice(0, 10) : '');
  }
  if (!person && shown !== null) setShown(null);
  return (
    <Dialog open={person !== null} onClose={onClose} title={person ? `Access for ${person.label}` : ''}>
      {person && (
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            onSave(person, date);
          }}
        >
          <div>
            <label htmlFor={id} className="block text-sm font-medium text-slate-700">Access until</label>
            <input id={id} type="date" value={date} min={tomorrow} onChange={(e) => setDate(e.target.value)} className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm" />
            <p className="mt-1 text-xs text-slate-600">Access ends at the end of that day (UTC). Leave it empty for access with no end.</p>
          </div>
          <div className="flex flex-wrap justify-end gap-2">
            {person.expiresAt && <Button variant="secondary" disabled={pending} onClick={() => onSave(person, '')}>Remove end date</Button>}
            <Button variant="secondary" onClick={onClose}>Cancel</Button>
            <Button type="submit" disabled={pending}>Save</Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
