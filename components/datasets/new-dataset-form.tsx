'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState, useTransition } from 'react';
import { useForm } from 'react-hook-form';
import { createDatasetAction } from '@/app/(app)/datasets/new/actions';
import { applyErrors } from '@/components/ui/apply-errors';
import { Button } from '@/components/ui/button';
import { FormMessage, TextAreaField, TextField } from '@/components/ui/field';
import { createDatasetSchema, type CreateDatasetInput } from '@/lib/validation/datasets';

export function NewDatasetForm() {
  const [message, setMessage] = useState<string>();
  const [pending, startTransition] = useTransition();
  const form = useForm<CreateDatasetInput>({ resolver: zodResolver(createDatasetSchema), defaultValues: { name: '', description: '' } });
  const { errors } = form.formState;
  const onSubmit = form.handleSubmit((values) =>
    startTransition(async () => {
      setMessage(undefined);
      const result = await createDatasetAction(values);
      if (result && !result.ok) setMessage(applyErrors(form.setError, result, ['name', 'description']));
    }),
  );
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <FormMessage message={message} />
      <TextField label="Name" autoFocus maxLength={100} error={errors.name?.message} hint="Up to 100 characters; no “/”." {...form.register('name')} />
      <TextAreaField label="Description" rows={4} error={errors.description?.message} hint="Optional, up to 2,000 characters." {...form.register('description')} />
      <Button type="submit" disabled={pending}>{pending ? 'Creating…' : 'Create dataset'}</Button>
    </form>
  );
}
