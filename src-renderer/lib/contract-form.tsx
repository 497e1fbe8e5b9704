// Forms checked by the contract's own schemas before anything is sent, with main's answer placed the same way: each
// message under its field (by the path the VALIDATION error gives), the rest above the buttons. Main stays the authority;
// this check only spares a person the round trip.
import { Alert } from '@mantine/core';
import { useForm, type UseFormReturnType } from '@mantine/form';
import { useState } from 'react';
import type { z } from 'zod';
import type { FieldIssue } from '../../src-shared/errors';
import { fieldIssuesOf } from '../../src-shared/field-issues';
import { errorMessage, isApiError } from '../queries/client';

type FormErrors = Record<string, string>;

export interface ContractFormOptions<Values extends Record<string, unknown>> {
  initialValues: Values;
  /** The input the call sends, checked against it before it is sent. */
  schema: z.ZodType;
  toInput(values: Values): unknown;
  /** The form's own rules beyond the contract (a choice the input cannot express), by field, checked with the schema. */
  rules?(values: Values): FormErrors;
}

export interface ContractForm<Values extends Record<string, unknown>> {
  form: UseFormReturnType<Values>;
  /** What main refused that is not under one of the form's fields (a conflict, another field); null when nothing. */
  refusal: string | null;
  /** Main's refusal placed: each field's message under it, the rest as `refusal`. */
  refuse(error: unknown): void;
  clearRefusal(): void;
}

/** A Mantine form whose validation is the contract schema's, over what the form would send. */
export function useContractForm<Values extends Record<string, unknown>>(options: ContractFormOptions<Values>): ContractForm<Values> {
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: options.initialValues,
    validate: (values) => ({ ...options.rules?.(values), ...fieldErrors(fieldIssuesOf(options.schema, options.toInput(values))) }),
  });
  const [refusal, setRefusal] = useState<string | null>(null);
  return { form, refusal, refuse: (error) => setRefusal(placeServerError(form, error)), clearRefusal: () => setRefusal(null) };
}

/**
 * Main's refusal split for a form that keeps its own state: the messages of the fields it shows (`paths`) by path,
 * and what is left (other fields, or the whole message when main listed none) for its alert.
 */
export function refusalByField(error: unknown, paths: readonly string[]): { byPath: Record<string, string>; rest: string | null } {
  if (!error) return { byPath: {}, rest: null };
  if (!isApiError(error) || !error.fields?.length) return { byPath: {}, rest: errorMessage(error) };
  const shown = new Set(paths);
  const byPath = fieldErrors(error.fields.filter((field) => shown.has(field.path)));
  const rest = error.fields.filter((field) => !shown.has(field.path)).map((field) => field.message);
  return { byPath, rest: rest.length > 0 ? rest.join(' ') : null };
}

/** The form's refusal, above its buttons. */
export function FormRefusal({ refusal, testId }: { refusal: string | null; testId?: string }) {
  if (!refusal) return null;
  return (
    <Alert color="red" role="alert" data-testid={testId}>
      {refusal}
    </Alert>
  );
}

/** Messages by field path, the first for each field. */
export function fieldErrors(fields: readonly FieldIssue[]): FormErrors {
  const errors: FormErrors = {};
  for (const field of fields) errors[field.path] ??= field.message;
  return errors;
}

/**
 * Main's refusal as the form shows it: the messages for the form's own fields go under them (`form.setErrors`), and
 * what is left (another field, or no field: a conflict, a refusal) is returned for the form's alert.
 */
function placeServerError<Values extends Record<string, unknown>>(form: UseFormReturnType<Values>, error: unknown): string | null {
  const known = new Set(Object.keys(form.getValues()));
  const fields = isApiError(error) ? (error.fields ?? []) : [];
  const { byPath, rest } = refusalByField(
    error,
    fields.map((field) => field.path).filter((path) => known.has(path.split(/[.[]/)[0] ?? '')),
  );
  form.setErrors(byPath);
  return rest;
}
