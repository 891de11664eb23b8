'use client';

import { useState } from 'react';
import { createTeamAction } from '@/app/(app)/teams/actions';
import { Button } from '@/components/ui/button';
import { useActionForm } from '@/components/ui/use-action-form';
import { Dialog } from '@/components/ui/dialog';
import { FormMessage, TextField } from '@/components/ui/field';
import { createTeamSchema, type CreateTeamInput } from '@/lib/validation/teams';

/** "New team": a dialog asking for the team's name; on success the action lands on the new team's page. */
export function NewTeamButton({ label = 'New team' }: { label?: string }) {
  const [open, setOpen] = useState(false);
  const { form, errors, onSubmit, message, setMessage, pending } = useActionForm<CreateTeamInput, void>(createTeamSchema, createTeamAction, { name: '' });
  const close = () => {
    setOpen(false);
    setMessage(undefined);
    form.reset();
  };
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
