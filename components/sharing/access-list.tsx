'use client';

import { useState, useTransition } from 'react';
import { changeRoleAction, leaveDatasetAction, manageInvitationAction, removeAccessAction, setAccessUntilAction, transferOwnershipAction } from '@/app/(app)/datasets/[datasetId]/sharing-actions';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { FormMessage } from '@/components/ui/field';
import type { ManagedInvitation } from '@/lib/invitations/manage';
import type { PersonWithAccess } from '@/lib/grants';
import { formatDateTime, formatExpiry } from '@/lib/format';

type Result = { ok: true; data?: unknown } | { ok: false; formError?: string; fieldErrors?: Record<string, string> };
const ROLES = [
  ['viewer', 'Viewer'],
  ['editor', 'Editor'],
  ['manager', 'Manager'],
] as const;

type Props = {
  datasetId: string;
  owner: { name: string; email: string };
  people: PersonWithAccess[];
  invitations: ManagedInvitation[] | null;
  canManage: boolean;
  isOwner: boolean;
  canLeave: boolean;
};

/** People with access: owner first, then users and teams (with controls for managers), then pending invitations. */
export function AccessList({ datasetId, owner, people, invitations, canManage, isOwner, canLeave }: Props) {
  const [message, setMessage] = useState<string>();
  const [links, setLinks] = useState<Record<string, string>>({});
  const [confirm, setConfirm] = useState<{ title: string; verb: string; run: () => Promise<Result> } | null>(null);
  const [transferTo, setTransferTo] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const run = (fn: () => Promise<Result>, after?: (r: Result) => void) =>
    startTransition(async () => {
      setMessage(undefined);
      const r = await fn();
      if (!r.ok) setMessage(r.formError ?? Object.values(r.fieldErrors ?? {})[0]);
      else after?.(r);
    });
  const users = people.filter((p) => p.kind === 'user');

  return (
    <div className="space-y-4">
      <FormMessage message={message} />
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
              {p.expiresAt && <span className="ml-2 text-xs text-amber-800">until {formatDateTime(p.expiresAt)}</span>}
            </span>
            {canManage ? (
              <span className="flex flex-wrap items-center gap-2">
                <select
                  aria-label={`Role for ${p.label}`}
                  defaultValue={p.role}
                  disabled={pending}
                  onChange={(e) => run(() => changeRoleAction({ datasetId, grantId: p.grantId, role: e.target.value as 'viewer' }))}
                  className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
                >
                  {ROLES.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
                </select>
                <label className="flex items-center gap-1 text-xs text-slate-600">
                  Access until
                  <input
                    type="date"
                    aria-label={`Access until for ${p.label}`}
                    defaultValue={p.expiresAt ? new Date(p.expiresAt).toISOString().slice(0, 10) : ''}
                    onChange={(e) => run(() => setAccessUntilAction({ datasetId, grantId: p.grantId, expiresAt: e.target.value }))}
                    className="rounded-md border border-slate-300 px-1 py-0.5"
                  />
                </label>
                <Button variant="ghost" className="py-1 text-red-700" onClick={() => setConfirm({ title: `Remove ${p.label}?`, verb: 'Remove', run: () => removeAccessAction({ datasetId, grantId: p.grantId }) })}>
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
                  {i.expired ? <span className="font-medium text-red-700">expired</span> : <>expires {formatExpiry(i.expiresAt)}</>}
                  {i.emailStatus === 'failed' && <span className="ml-1 font-medium text-red-700">· email failed</span>}
                  {links[i.id] && (
                    <input readOnly aria-label={`Invitation link for ${i.email}`} value={links[i.id]} className="mt-1 block w-full rounded border border-slate-300 bg-slate-50 px-2 py-1 font-mono text-xs" />
                  )}
                </span>
                <span className="flex flex-wrap gap-1">
                  <Button variant="secondary" className="py-1" disabled={pending} aria-label={`Extend invitation for ${i.email}`} onClick={() => run(() => manageInvitationAction({ datasetId, invitationId: i.id, action: 'extend' }))}>Extend</Button>
                  <Button
                    variant="secondary"
                    className="py-1"
                    disabled={pending}
                    aria-label={`Resend invitation to ${i.email}`}
                    onClick={() => run(() => manageInvitationAction({ datasetId, invitationId: i.id, action: 'resend' }), (r) => {
                      const link = (r as { data?: { link?: string } }).data?.link;
                      if (link) setLinks((l) => ({ ...l, [i.id]: link }));
                    })}
                  >
                    Resend
                  </Button>
                  <Button variant="secondary" className="py-1 text-red-700" disabled={pending} aria-label={`Revoke invitation for ${i.email}`} onClick={() => run(() => manageInvitationAction({ datasetId, invitationId: i.id, action: 'revoke' }))}>Revoke</Button>
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}

      <div className="flex flex-wrap gap-2">
        {canLeave && <Button variant="secondary" onClick={() => setConfirm({ title: 'Leave this dataset?', verb: 'Leave', run: () => leaveDatasetAction({ datasetId }) })}>Leave dataset</Button>}
        {isOwner && users.length > 0 && <Button variant="secondary" onClick={() => setTransferTo(users[0].grantId)}>Transfer ownership</Button>}
      </div>

      <Dialog open={confirm !== null} onClose={() => setConfirm(null)} title={confirm?.title ?? ''}>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setConfirm(null)}>Cancel</Button>
          <Button variant="danger" disabled={pending} onClick={() => confirm && run(confirm.run, () => setConfirm(null))}>{confirm?.verb}</Button>
        </div>
      </Dialog>

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
            <Button disabled={pending} onClick={() => transferTo && run(() => transferOwnershipAction({ datasetId, grantId: transferTo }), () => setTransferTo(null))}>Transfer</Button>
          </div>
        </div>
      </Dialog>
    </div>
  );
}
