'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState, useTransition } from 'react';
import { useForm, type DefaultValues, type FieldValues, type Resolver } from 'react-hook-form';
import type { z } from 'zod';
import { applyErrors } from './apply-errors';

type Result<T> = { ok: true; data: T } | { ok: false; formError?: string; fieldErrors?: Record<string, string> };

/**
 * A react-hook-form form validated in the browser by the same zod schema its server action parses,
 * submitted in a transition: field errors land on their fields, anything else becomes `message`, and
 * the values stay as typed. `onSuccess` gets the action's data (actions that redirect never return).
 */
export function useActionForm<TInput extends FieldValues, TData>(
  schema: z.ZodType<unknown, TInput>,
  action: (values: TInput) => Promise<Result<TData> | undefined>,
  defaultValues: DefaultValues<TInput>,
  opts: { onSuccess?: (data: TData, values: TInput) => void; onFailure?: () => void } = {},
) {
  const [message, setMessage] = useState<string>();
  const [pending, startTransition] = useTransition();
  const form = useForm<TInput>({ resolver: zodResolver(schema as never) as unknown as Resolver<TInput>, defaultValues });
  const onSubmit = form.handleSubmit((values) =>
    startTransition(async () => {
      setMessage(undefined);
      const result = await action(values);
      if (!result) return;
      if (!result.ok) {
        setMessage(applyErrors(form.setError, result, Object.keys(defaultValues as object)));
        opts.onFailure?.();
      } else opts.onSuccess?.(result.data, values);
    }),
  );
  return { form, errors: form.formState.errors, onSubmit, message, setMessage, pending };
}
