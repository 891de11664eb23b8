'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useId, useRef, useState, useTransition } from 'react';
import { requestAccessAction } from '@/app/(app)/datasets/[datasetId]/sharing-actions';
import { Button } from '@/components/ui/button';
import { FormMessage } from '@/components/ui/field';
import { useToast } from '@/components/ui/toast';

/**
 * What a signed-in user sees at a dataset URL they cannot open (status 404): "You need access" and a
 * Request access form. Worded so that it says nothing about whether the dataset exists.
 */
export function RequestAccess() {
  const datasetId = usePathname().split('/')[2] ?? '';
  // Only a dataset-shaped id can be asked for; anything else is just a missing page.
  const askable = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(datasetId);
  const messageId = useId();
  const toast = useToast();
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string>();
  const [sent, setSent] = useState(false);
  const [pending, startTransition] = useTransition();
  const doneRef = useRef<HTMLParagraphElement>(null);
  // The form is gone once sent: focus moves to what replaced it.
  useEffect(() => {
    if (sent) doneRef.current?.focus();
  }, [sent]);
  return (
    <div className="mx-auto max-w-md space-y-4 px-4 py-16">
      {/* The same words as every other 404 first (outside tests look for them), then the way in. */}
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="text-slate-700">This dataset does not exist, or you do not have access to it.</p>
      {askable && (
        <>
          <h2 className="pt-2 text-lg font-semibold">You need access</h2>
          <p className="text-slate-700">If it exists, you can ask the people who manage it.</p>
          {sent ? (
            <p ref={doneRef} tabIndex={-1} role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800 outline-none">
              Request sent. If someone manages a dataset here, they will get your request, and you will get an email with their answer.
            </p>
          ) : (
            <form
              className="space-y-3"
              onSubmit={(e) => {
                e.preventDefault();
                startTransition(async () => {
                  setError(undefined);
                  const r = await requestAccessAction({ datasetId, message });
                  if (!r.ok) {
                    const text = r.formError ?? Object.values(r.fieldErrors ?? {})[0] ?? 'That did not work.';
                    setError(text);
                    toast.show(text, { tone: 'error' });
                    return;
                  }
                  setSent(true);
                  toast.show('Access requested.');
                });
              }}
            >
              <FormMessage message={error} />
              <div>
                <label htmlFor={messageId} className="block text-sm font-medium text-slate-700">Message (optional)</label>
                <textarea
                  id={messageId}
                  rows={3}
                  maxLength={500}
                  value={message}
                  onChange={(e) => setMessage(e.target.value)}
                  placeholder="Why you need it, what you will use it for"
                  className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
                />
              </div>
              <Button type="submit" disabled={pending}>{pending ? 'Sending…' : 'Request access'}</Button>
            </form>
          )}
        </>
      )}
      <Link href="/datasets" className="inline-block text-indigo-700 underline">Go to your datasets</Link>
    </div>
  );
}
