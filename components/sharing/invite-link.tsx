'use client';

import { useId, useState } from 'react';
import { Button } from '@/components/ui/button';
import { useToast } from '@/components/ui/toast';

/**
 * An invitation link for the inviter to pass on when this server cannot send email: one wording and
 * a Copy link button everywhere (dataset share panel, resend, team invitations).
 */
export function InviteLink({ email, link }: { email: string; link: string }) {
  const id = useId();
  const toast = useToast();
  const [copied, setCopied] = useState(false);
  return (
    <span className="mt-1 block">
      <label htmlFor={id} className="text-xs text-slate-600">
        Email is not configured: send this link to {email} yourself
      </label>
      <span className="mt-1 flex gap-2">
        <input id={id} readOnly value={link} onFocus={(e) => e.currentTarget.select()} className="block w-full rounded border border-slate-300 bg-slate-50 px-2 py-1 font-mono text-xs" />
        <Button
          variant="secondary"
          className="shrink-0 py-1 text-xs"
          onClick={() =>
            navigator.clipboard?.writeText(link).then(
              () => {
                setCopied(true);
                toast.show(`Link for ${email} copied.`);
              },
              () => toast.show('Could not copy: select the link and copy it yourself.', { tone: 'error' }),
            )
          }
        >
          {copied ? 'Copied' : 'Copy link'}
          <span className="sr-only"> for {email}</span>
        </Button>
      </span>
    </span>
  );
}
