'use client';

import { useState } from 'react';
import { renameUserAction } from '@/app/(app)/account/actions';
import { Button } from '@/components/ui/button';
import { useActionForm } from '@/components/ui/use-action-form';
import { FormMessage, TextField } from '@/components/ui/field';
import { renameUserSchema, type RenameUserInput } from '@/lib/validation/auth';

export function NameForm({ name }: { name: string }) {
  const [saved, setSaved] = useState(false);
  const { form, errors, onSubmit, message, pending } = useActionForm<RenameUserInput, { name: string }>(renameUserSchema, renameUserAction, { name }, {
    onSuccess: () => setSaved(true),
  });
  return (
    <form onSubmit={(e) => { setSaved(false); return onSubmit(e); }} noValidate className="flex flex-wrap items-end gap-3">
      <FormMessage message={message} />
      <TextField label="Name" autoComplete="name" className="min-w-0 flex-1" error={errors.name?.message} {...form.register('name')} />
      <Button type="submit" disabled={pending}>{pending ? 'Saving…' : 'Save name'}</Button>
      {saved && <p role="status" className="w-full text-sm text-emerald-700">Name saved.</p>}
    </form>
  );
}
