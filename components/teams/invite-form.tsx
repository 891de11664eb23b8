'use client';

import { InviteLink } from '@/components/sharing/invite-link';
import { useId, useState } from 'react';
import { inviteToTeamAction } from '@/app/(app)/teams/[teamId]/actions';
import { Button } from '@/components/ui/button';
import { useToast } from '@/components/ui/toast';
import { useActionForm } from '@/components/ui/use-action-form';
import { FormMessage, TextAreaField } from '@/components/ui/field';
import { inviteToTeamSchema, MAX_RECIPIENTS, TEAM_ROLE_LABELS, type InviteToTeamInput } from '@/lib/validation/teams';

type Role = keyof typeof TEAM_ROLE_LABELS;
type Result = { recipient: string; status: string; link?: string };

/** Owners and admins invite people by email; one result line per recipient, with the link when email is off. */
export function InviteForm({ teamId, offerableRoles }: { teamId: string; offerableRoles: Role[] }) {
  const roleId = useId();
  const toast = useToast();
  const [results, setResults] = useState<Result[]>([]);
  const { form, errors, onSubmit, message, pending } = useActionForm<InviteToTeamInput, Result[]>(
    inviteToTeamSchema,
    inviteToTeamAction,
    { teamId, recipients: '', role: 'member' },
    {
      onSuccess: (data, values) => {
        setResults(data);
        const ok = data.filter((r) => r.status === 'invited' || r.status.startsWith('already invited')).length;
        toast.show(ok ? `Invited ${ok} ${ok === 1 ? 'person' : 'people'}${data.length > ok ? `; ${data.length - ok} need${data.length - ok === 1 ? 's' : ''} attention` : ''}.` : 'Nobody was invited: see the results.', { tone: ok ? 'success' : 'error' });
        form.reset({ teamId, recipients: '', role: values.role });
      },
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-3">
      <FormMessage message={message} />
      <TextAreaField
        label="Recipients"
        rows={3}
        error={errors.recipients?.message}
        hint={`Email addresses separated by commas, spaces or new lines (up to ${MAX_RECIPIENTS}).`}
        {...form.register('recipients')}
      />
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor={roleId} className="block text-sm font-medium text-slate-700">Role</label>
          <select id={roleId} className="mt-1 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm" {...form.register('role')}>
            {offerableRoles.map((r) => (
              <option key={r} value={r}>{TEAM_ROLE_LABELS[r]}</option>
            ))}
          </select>
          {errors.role && <p className="mt-1 text-sm text-red-700">{errors.role.message}</p>}
        </div>
        <Button type="submit" disabled={pending}>{pending ? 'Sending…' : 'Send invitations'}</Button>
      </div>
      {results.length > 0 && (
        <div role="status">
          <ul aria-label="Invitation results" className="space-y-1 rounded-md border border-slate-200 bg-slate-50 p-3 text-sm">
            {results.map((r) => (
              <li key={r.recipient} className="break-all">
                <span className="font-medium">{r.recipient}</span> — {r.status}
                {r.link && <InviteLink email={r.recipient} link={r.link} />}
              </li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}
