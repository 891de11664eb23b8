'use client';

import { useState, useTransition } from 'react';
import { changeMemberRoleAction, removeMemberAction } from '@/app/(app)/teams/[teamId]/actions';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { FormMessage } from '@/components/ui/field';
import { TEAM_ROLE_LABELS } from '@/lib/validation/teams';

type Role = keyof typeof TEAM_ROLE_LABELS;
type Member = { userId: string; name: string; email: string; role: Role; isMe: boolean; manageable: boolean };
type Failure = { ok: false; formError?: string; fieldErrors?: Record<string, string> };
const messageOf = (r: Failure) => r.formError ?? Object.values(r.fieldErrors ?? {})[0] ?? 'That did not work.';

/**
 * Members with their roles. Owners and admins get a role picker (applies at once) and a Remove button
 * per member they may touch: admins never touch owners; the server enforces the same rules.
 */
export function MemberList({ teamId, teamName, members, offerableRoles }: { teamId: string; teamName: string; members: Member[]; offerableRoles: Role[] }) {
  const [message, setMessage] = useState<{ text: string; tone: 'error' | 'info' }>();
  const [resetKey, setResetKey] = useState(0);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [pending, startTransition] = useTransition();
  const mayTouch = (m: Member) => m.manageable; // decided by lib/access.ts on the server

  const changeRole = (m: Member, role: Role) =>
    startTransition(async () => {
      setMessage(undefined);
      const r = await changeMemberRoleAction({ teamId, userId: m.userId, role });
      if (r.ok) setMessage({ text: `${m.email} is now ${TEAM_ROLE_LABELS[role].toLowerCase()}.`, tone: 'info' });
      else {
        setMessage({ text: messageOf(r), tone: 'error' });
        setResetKey((k) => k + 1); // put the picker back to the role the server kept
      }
    });

  const remove = (m: Member) =>
    startTransition(async () => {
      setMessage(undefined);
      const r = await removeMemberAction({ teamId, userId: m.userId });
      if (r && !r.ok) setMessage({ text: messageOf(r), tone: 'error' });
      else {
        setMessage({ text: `Removed ${m.email}.`, tone: 'info' });
        setRemoving(null);
      }
    });

  return (
    <div className="space-y-3">
      {!removing && <FormMessage message={message?.text} tone={message?.tone} />}
      <ul className="divide-y divide-slate-200">
        {members.map((m) => (
          <li key={m.userId} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 py-3">
            <div className="min-w-0">
              <p className="font-medium">
                {m.name}
                {m.isMe && <span className="ml-1 text-sm font-normal text-slate-500">(you)</span>}
              </p>
              <p className="break-all text-sm text-slate-600">{m.email}</p>
            </div>
            <div className="flex items-center gap-2">
              {mayTouch(m) ? (
                <label className="flex items-center gap-2 text-sm text-slate-600">
                  Role
                  <select
                    key={`${m.role}-${resetKey}`}
                    aria-label={`Role for ${m.email}`}
                    defaultValue={m.role}
                    disabled={pending}
                    onChange={(e) => changeRole(m, e.target.value as Role)}
                    className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900"
                  >
                    {offerableRoles.map((r) => (
                      <option key={r} value={r}>{TEAM_ROLE_LABELS[r]}</option>
                    ))}
                  </select>
                </label>
              ) : (
                <span className="rounded-full bg-slate-100 px-2 py-0.5 text-sm font-medium text-slate-700">{TEAM_ROLE_LABELS[m.role]}</span>
              )}
              {mayTouch(m) && !m.isMe && (
                <Button variant="secondary" aria-label={`Remove ${m.email}`} onClick={() => { setMessage(undefined); setRemoving(m); }}>
                  Remove
                </Button>
              )}
            </div>
          </li>
        ))}
      </ul>

      <Dialog open={removing !== null} onClose={() => { setRemoving(null); setMessage(undefined); }} title={`Remove ${removing?.email ?? ''}?`}>
        <div className="space-y-4">
          <p className="text-sm text-slate-700">
            {removing?.name} will leave {teamName} at once and lose every dataset shared with the team.
          </p>
          <FormMessage message={message?.tone === 'error' ? message.text : undefined} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => { setRemoving(null); setMessage(undefined); }}>Cancel</Button>
            <Button variant="danger" disabled={pending} onClick={() => removing && remove(removing)}>Remove</Button>
          </div>
        </div>
      </Dialog>
    </div>
  );
}
