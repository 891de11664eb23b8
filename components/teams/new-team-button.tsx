'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState, useTransition } from 'react';
import { useForm } from 'react-hook-form';
import { createTeamAction } from '@/app/(app)/teams/actions';
import { applyErrors } from '@/components/ui/apply-errors';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { FormMessage, TextField } from '@/components/ui/field';
import { createTeamSchema, type CreateTeamInput } from '@/lib/validation/teams';

/** "New team": a dialog asking for the team's name; on success the action lands on the new team's page. */
export function NewTeamButton({ label = 'New team' }: { label?: string }) {
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState<string>();
  const [pending, startTransition] = useTransition();
  const form = useForm<CreateTeamInput>({ resolver: zodResolver(createTeamSchema), defaultValues: { name: '' } });
  const { errors } = form.formState;
  const close = () => {
    setOpen(false);
    setMessage(undefined);
    form.reset();
  };
  const onSubmit = form.handleSubmit((values) =>
    startTransition(async () => {
      setMessage(undefined);
      const result = await createTeamAction(values);
      if (result && !result.ok) setMessage(applyErrors(form.setError, result, ['name']));
    }),
  );
  return (
    <>
      <Button onClick={() => setOpen(true)}>{label}</Button>
      <Dialog open={open} onClose={close} title="New team">
        <form onSubmit={onSubmit} noValidate className="space-y-4">
          <FormMessage message={message} />
          <TextField
            label="Team name"
            autoFocus
            maxLength={100}
            autoComplete="off"
            error={errors.name?.message}
            hint="Up to 100 characters; unique on this Trove. You will be the team’s owner."
            {...form.register('name')}
          />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close}>Cancel</Button>
            <Button type="submit" disabled={pending}>{pending ? 'Creating…' : 'Create team'}</Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
