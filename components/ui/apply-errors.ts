import type { FieldValues, Path, UseFormSetError } from 'react-hook-form';

type Failure = { ok: false; formError?: string; fieldErrors?: Record<string, string> };

/** Puts a failed action's field errors on the form; returns the form-level message, if any. */
export function applyErrors<T extends FieldValues>(setError: UseFormSetError<T>, result: Failure, fields: readonly string[]): string | undefined {
  let extra: string | undefined;
  for (const [key, message] of Object.entries(result.fieldErrors ?? {})) {
    if (fields.includes(key)) setError(key as Path<T>, { message });
    else extra ??= message;
  }
  return result.formError ?? extra;
}
