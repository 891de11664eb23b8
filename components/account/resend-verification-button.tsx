'use client';

import { useState, useTransition } from 'react';
import { resendVerificationAction } from '@/app/(app)/account/actions';
import { Button } from '@/components/ui/button';

/** "Resend verification email", with what happened said next to it. */
export function ResendVerificationButton() {
  const [result, setResult] = useState<{ ok: boolean; text: string }>();
  const [pending, startTransition] = useTransition();
  const send = () =>
    startTransition(async () => {
      const r = await resendVerificationAction({});
      setResult(r.ok ? { ok: true, text: `Sent to ${r.data.sentTo}. The link works for 24 hours.` } : { ok: false, text: r.formError ?? 'Something went wrong.' });
    });
  return (
    <span className="flex flex-wrap items-center gap-2">
      <Button variant="secondary" disabled={pending} onClick={send}>{pending ? 'Sending…' : 'Resend verification email'}</Button>
      <span role="status" className={`text-sm ${result?.ok === false ? 'text-red-700' : 'text-emerald-700'}`}>{result?.text}</span>
    </span>
  );
}
