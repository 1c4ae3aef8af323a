// Small form helpers shared by the dashboard's "money in by hand" sections (expenses.ts,
// manage.ts): labelled fields with an error line each, zod issues and the API's problem+json
// issues shown next to the field they are about, and buttons that name what they act on.

/** What a section needs of the page: its API call (401 handled) and two DOM helpers. */
export interface PageDeps {
  api: <T>(path: string, init?: RequestInit) => Promise<T>;
  el: <T extends HTMLElement = HTMLElement>(id: string) => T;
  text: (tag: string, content: string, className?: string) => HTMLElement;
}

/** One issue of a zod result or of the API's problem+json (`issues`). */
export interface Issue {
  path: readonly PropertyKey[];
  message: string;
}

/** The parts of an RFC 9457 problem the page reads. */
interface Problem {
  status?: number;
  detail?: string;
  title?: string;
  issues?: Issue[];
}

/** The problem+json body carried by the error the page's `api` throws on a 4xx/5xx, if any. */
export function problemOf(error: unknown): Problem | null {
  if (!(error instanceof Error) || !('problem' in error)) return null;
  const { problem } = error;
  return typeof problem === 'object' && problem !== null ? problem : null;
}

/** A form field: its label, the control, and the line its error shows on (`aria-describedby`). */
export interface Field {
  name: string;
  wrapper: HTMLElement;
  control: HTMLInputElement | HTMLSelectElement;
  error: HTMLElement;
}

/** A labelled `<input>` (or `<select>` when `options` are given) with its error line. */
export function field(
  id: string,
  name: string,
  label: string,
  value: string,
  attrs: Record<string, string> = {},
  options?: readonly (readonly [value: string, label: string])[],
): Field {
  const wrapper = document.createElement('div');
  wrapper.className = 'field';
  const labelNode = document.createElement('label');
  labelNode.htmlFor = id;
  labelNode.textContent = label;
  let control: HTMLInputElement | HTMLSelectElement;
  if (options) {
    const select = document.createElement('select');
    for (const [optionValue, optionLabel] of options) {
      const option = document.createElement('option');
      option.value = optionValue;
      option.textContent = optionLabel;
      select.append(option);
    }
    control = select;
  } else {
    control = document.createElement('input');
  }
  control.id = id;
  control.name = name;
  for (const [key, attr] of Object.entries(attrs)) control.setAttribute(key, attr);
  control.value = value;
  const error = document.createElement('p');
  error.id = `${id}-error`;
  error.className = 'field-error';
  control.setAttribute('aria-describedby', error.id);
  wrapper.append(labelNode, control, error);
  return { name, wrapper, control, error };
}

/** A button that says what it acts on to a screen reader (`Delete expense Lunch`). */
export function button(label: string, name: string, type: 'button' | 'submit' = 'button'): HTMLButtonElement {
  const node = document.createElement('button');
  node.type = type;
  node.textContent = label;
  if (name !== label) node.setAttribute('aria-label', name);
  return node;
}

/** Clears every field's error and the form's own. */
export function clearIssues(fields: readonly Field[], formError: HTMLElement): void {
  for (const f of fields) {
    f.error.textContent = '';
    f.control.removeAttribute('aria-invalid');
  }
  formError.textContent = '';
}

/**
 * Shows issues next to their field: the first path segment names it (`amountMinor` is the
 * amount field, `period.unit` the period); an issue of no field goes to the form's error line.
 * Focus moves to the first field in error. Returns whether any issue was shown.
 */
export function showIssues(
  fields: readonly Field[],
  formError: HTMLElement,
  issues: readonly Issue[],
  fallback = '',
): boolean {
  clearIssues(fields, formError);
  let first: Field | undefined;
  for (const issue of issues) {
    const key = issue.path[0] === 'amountMinor' ? 'amount' : String(issue.path[0] ?? '');
    const target = fields.find((f) => f.name === key);
    if (target) {
      target.error.textContent = target.error.textContent
        ? `${target.error.textContent} ${issue.message}`
        : issue.message;
      target.control.setAttribute('aria-invalid', 'true');
      first ??= target;
    } else {
      formError.textContent = formError.textContent ? `${formError.textContent} ${issue.message}` : issue.message;
    }
  }
  if (issues.length === 0 && fallback) formError.textContent = fallback;
  first?.control.focus();
  return issues.length > 0 || fallback !== '';
}

/**
 * Reports a failed API call on the form: a problem's issues next to their fields, else its
 * detail on the form's error line. A 401 (`unauthorized`) was already handled by the page.
 */
export function showApiError(fields: readonly Field[], formError: HTMLElement, error: unknown): void {
  if (error instanceof Error && error.message === 'unauthorized') return;
  const problem = problemOf(error);
  const issues = problem?.issues ?? [];
  const detail = problem?.detail ?? problem?.title ?? (error instanceof Error ? error.message : String(error));
  if (issues.length > 0) {
    showIssues(fields, formError, issues);
    // The detail says it as a whole; shown too when no issue names a field.
    if (!issues.some((issue) => fields.some((f) => f.name === String(issue.path[0])))) formError.textContent = detail;
  } else {
    showIssues(fields, formError, [], detail);
  }
}

/** The trimmed value of a field, or `undefined` when empty (the API's default then applies). */
export function valueOf(f: Field): string | undefined {
  const value = f.control.value.trim();
  return value === '' ? undefined : value;
}

/** Escape on the form runs `cancel` (an edit in place goes back to the row). */
export function onEscape(form: HTMLFormElement, cancel: () => void): void {
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      cancel();
    }
  });
}

/**
 * Runs `update` (a list re-rendered by a live event) without losing the user's place: the element
 * that had focus gets it back, or the new element with its id (row buttons carry ids for this).
 */
export function keepFocus(update: () => void): void {
  const active = document.activeElement;
  update();
  if (!(active instanceof HTMLElement) || active === document.body || document.activeElement === active) return;
  const target = active.isConnected ? active : active.id ? document.getElementById(active.id) : null;
  target?.focus();
}
