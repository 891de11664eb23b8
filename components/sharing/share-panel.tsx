'use client';

import { useId, useMemo, useRef, useState } from 'react';
import { shareDatasetAction, sharePeopleAction } from '@/app/(app)/datasets/[datasetId]/sharing-actions';
import { Button } from '@/components/ui/button';
import { useActionForm } from '@/components/ui/use-action-form';
import { Dialog } from '@/components/ui/dialog';
import { FormMessage, TextAreaField } from '@/components/ui/field';
import { useToast } from '@/components/ui/toast';
import type { RecipientResult } from '@/lib/invitations/send';
import type { ShareSuggestions } from '@/lib/sharing';
import { shareSchema, type ShareInput } from '@/lib/validation/sharing';
import { InviteLink } from './invite-link';
import { RecipientsInput, type Chip } from './recipients-input';

const ROLE_LABELS = { viewer: 'Viewer', editor: 'Editor', manager: 'Manager' } as const;
/** What each role may do (PRODUCT §2), said where the role is chosen. */
export const ROLE_HELP = {
  viewer: 'view and download',
  editor: 'also upload and create folders, cannot delete',
  manager: 'also delete, share and manage access',
} as const;

/** A v4 UUID from getRandomValues (crypto.randomUUID needs a secure context; self-hosted Trove may be plain http). */
function newRequestId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const GOOD = new Set(['invited', 'shared with team', 'already invited (invitation re-sent)', 'already invited']);
/** Results that mean the entry itself needs fixing: its chip stays, everything else is cleared. */
const FIXABLE = new Set(['not a valid email', 'not an email address or one of your teams', 'several of your teams have this name']);

const serialize = (chips: Chip[], text: string) => [...chips.map((c) => c.value), text.trim()].filter(Boolean).join('\n');

/** The Share button and its dialog: bulk invite by email or share with a team, with one result line per recipient. */
export function SharePanel({
  datasetId,
  datasetName,
  roles,
  teams,
}: {
  datasetId: string;
  datasetName: string;
  roles: (keyof typeof ROLE_LABELS)[];
  /** The user's teams; the people to suggest are fetched when the dialog first opens. */
  teams: string[];
}) {
  const toast = useToast();
  const roleHelpId = useId();
  const untilId = useId();
  const recipientsRef = useRef<HTMLInputElement>(null);
  const [open, setOpen] = useState(false);
  const [tomorrow] = useState(() => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10));
  const [results, setResults] = useState<RecipientResult[]>([]);
  const [chips, setChips] = useState<Chip[]>([]);
  const [text, setText] = useState('');
  const [people, setPeople] = useState<ShareSuggestions['people'] | null>(null);
  const loadPeople = () => {
    if (people) return;
    setPeople([]); // asked once; an answer that fails leaves the dialog without people suggestions
    sharePeopleAction({ datasetId }).then((r) => r?.ok && setPeople(r.data), () => {});
  };
  const suggestions = useMemo(() => ({ teams, people: people ?? [] }), [teams, people]);
  const { form, errors, onSubmit, message, setMessage, pending } = useActionForm<ShareInput, RecipientResult[]>(
    shareSchema,
    shareDatasetAction,
    // requestId: one per submission, so a resubmitted form (lost response, crash) is not shared twice.
    { datasetId, recipients: '', role: 'viewer', message: '', accessUntil: '', requestId: newRequestId() },
    {
      onSuccess: (data, values) => {
        setResults(data);
        // Keep what needs fixing (marked), clear what went through.
        const kept: Chip[] = data.filter((r) => FIXABLE.has(r.status)).map((r) => ({ value: r.recipient, kind: 'invalid', problem: r.status }));
        setChips(kept);
        setText('');
        form.reset({ ...values, recipients: serialize(kept, ''), requestId: newRequestId() });
        const ok = data.filter((r) => GOOD.has(r.status)).length;
        const bad = data.length - ok;
        toast.show(
          ok === 0 ? `Nothing was sent: ${bad === 1 ? 'check the recipient' : `check the ${bad} recipients`}.` : `Shared with ${ok} ${ok === 1 ? 'recipient' : 'recipients'}${bad ? `; ${bad} need${bad === 1 ? 's' : ''} attention` : ''}.`,
          { tone: ok === 0 ? 'error' : 'success' },
        );
        recipientsRef.current?.focus();
      },
      onFailure: () => recipientsRef.current?.focus(),
    },
  );
  const update = (c: Chip[], t: string) => {
    setChips(c);
    setText(t);
    form.setValue('recipients', serialize(c, t), { shouldValidate: form.formState.isSubmitted });
  };
  const role = form.watch('role') as keyof typeof ROLE_LABELS;

  return (
    <>
      <Button onClick={() => { setResults([]); setMessage(undefined); setOpen(true); loadPeople(); }}>Share</Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={`Share ${datasetName}`} wide>
        <form onSubmit={onSubmit} noValidate className="space-y-4">
          <FormMessage message={message} />
          <RecipientsInput ref={recipientsRef} chips={chips} text={text} onChange={update} suggestions={suggestions} error={errors.recipients?.message} />
          <div className="grid gap-4 sm:grid-cols-2">
            <div>
              <label htmlFor="share-role" className="block text-sm font-medium text-slate-700">Role</label>
              <select id="share-role" aria-describedby={roleHelpId} className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm" {...form.register('role')}>
                {roles.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
              </select>
              <p id={roleHelpId} className="mt-1 text-xs text-slate-600">
                <span className="font-medium">{ROLE_LABELS[role] ?? 'Viewer'}:</span> {ROLE_HELP[role] ?? ROLE_HELP.viewer}.
              </p>
            </div>
            <div>
              <label htmlFor={untilId} className="block text-sm font-medium text-slate-700">Access until</label>
              <input
                id={untilId}
                type="date"
                min={tomorrow}
                aria-describedby={`${untilId}-hint`}
                aria-invalid={errors.accessUntil ? true : undefined}
                className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
                {...form.register('accessUntil')}
              />
              <p id={`${untilId}-hint`} className="mt-1 text-xs text-slate-600">{errors.accessUntil?.message ?? 'Optional: access ends after this day (UTC).'}</p>
            </div>
          </div>
          <ul className="space-y-0.5 rounded-md bg-slate-50 px-3 py-2 text-xs text-slate-700" aria-label="What each role can do">
            {roles.map((r) => (
              <li key={r}>
                <span className="font-medium">{ROLE_LABELS[r]}</span>: {ROLE_HELP[r]}
              </li>
            ))}
          </ul>
          <TextAreaField label="Message" rows={2} hint="Optional, up to 500 characters; included in the email." error={errors.message?.message} {...form.register('message')} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>Close</Button>
            <Button type="submit" disabled={pending}>{pending ? 'Sending…' : 'Send invitations'}</Button>
          </div>
        </form>
        {results.length > 0 && (
          <div className="mt-4 border-t border-slate-200 pt-3">
            <h3 className="mb-2 text-sm font-semibold">Results</h3>
            <ul className="space-y-2 text-sm" aria-label="Share results">
              {results.map((r) => (
                <li key={r.recipient} className="break-all">
                  <span className="font-medium">{r.recipient}</span>
                  {' — '}
                  <span className={GOOD.has(r.status) ? 'text-emerald-700' : 'text-amber-800'}>{r.status}</span>
                  {r.link && <InviteLink email={r.recipient} link={r.link} />}
                </li>
              ))}
            </ul>
          </div>
        )}
      </Dialog>
    </>
  );
}
