'use client';

import { createDatasetAction } from '@/app/(app)/datasets/new/actions';
import { Button } from '@/components/ui/button';
import { useActionForm } from '@/components/ui/use-action-form';
import { FormMessage, TextAreaField, TextField } from '@/components/ui/field';
import { createDatasetSchema, type CreateDatasetInput } from '@/lib/validation/datasets';

export function NewDatasetForm() {
  const { form, errors, onSubmit, message, pending } = useActionForm<CreateDatasetInput, void>(createDatasetSchema, createDatasetAction, { name: '', description: '' });
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <FormMessage message={message} />
      <TextField label="Name" autoFocus maxLength={100} error={errors.name?.message} hint="Up to 100 characters; no “/”." {...form.register('name')} />
      <TextAreaField label="Description" rows={4} error={errors.description?.message} hint="Optional, up to 2,000 characters." {...form.register('description')} />
      <Button type="submit" disabled={pending}>{pending ? 'Creating…' : 'Create dataset'}</Button>
    </form>
  );
}
