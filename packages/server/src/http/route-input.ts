import { toRuleIssues, TrackerError, type ValidationIssue } from '@expense-tracker/core';
import type { z } from 'zod';

/**
 * `VALIDATION_FAILED` for zod's issues, worded exactly as core words its own (the first
 * issue's path and message, and how many more), so a client reads the same 422 whether the
 * route or core refused the input.
 */
export function validationFailed(zodIssues: readonly z.core.$ZodIssue[]): TrackerError {
  // Zod's codes, except where a schema gives its own (the rules' `operator_not_allowed`, ...).
  const issues: ValidationIssue[] = toRuleIssues(zodIssues);
  const first = issues[0];
  const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new TrackerError('VALIDATION_FAILED', `Invalid input: ${where}${first?.message ?? 'invalid'}${more}`, {
    issues,
  });
}

/** What a schema made of a request value: the value as sent, typed as the schema's input, and its parsed output. */
export interface Checked<S extends z.ZodType> {
  /** The value as the client sent it, typed as what the schema takes: what core's SDK methods take (they parse it themselves). */
  input: z.input<S>;
  /** The schema's output (defaults filled, values normalised): what the server's own services take. */
  output: z.output<S>;
}

/** Whether `result` accepted `value`: it is then what `schema` takes. */
function accepted<S extends z.ZodType>(
  _schema: S,
  result: { success: boolean },
  _value: unknown,
): _value is z.input<S> {
  return result.success;
}

/**
 * Parses `value` with `schema` once, or throws `VALIDATION_FAILED` (a 422 with issues).
 * Core's SDK methods parse their input with the same schemas and take their input type, so
 * they get the value as sent (`input`); handing them the output would not spare that parse.
 */
export function check<S extends z.ZodType>(schema: S, value: unknown): Checked<S> {
  const result = schema.safeParse(value);
  if (!result.success || !accepted(schema, result, value)) throw validationFailed(result.error?.issues ?? []);
  return { input: value, output: result.data };
}

/** `value` as what `schema` takes, checked (see {@link check}). */
export function inputOf<S extends z.ZodType>(schema: S, value: unknown): z.input<S> {
  return check(schema, value).input;
}
