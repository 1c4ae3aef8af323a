import { TrackerError } from '@expense-tracker/core';

/** A node of the walk: the path is rebuilt only for the one that fails, so deep bodies stay linear. */
interface Step {
  value: unknown;
  key: string | number | null;
  parent: Step | null;
}

function pathOf(step: Step): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at: Step | null = step; at && at.key !== null; at = at.parent) path.unshift(at.key);
  return path;
}

/** Where the first U+0000 in a parsed JSON value is (as an issue path), or `null`; iterative and linear, so no depth overflows or stalls it. */
function nulPath(value: unknown): (string | number)[] | null {
  const stack: Step[] = [{ value, key: null, parent: null }];
  while (stack.length > 0) {
    const step = stack.pop()!;
    const item = step.value;
    if (typeof item === 'string') {
      if (item.includes('\u0000')) return pathOf(step);
    } else if (Array.isArray(item)) {
      for (let i = 0; i < item.length; i += 1) stack.push({ value: item[i], key: i, parent: step });
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        if (key.includes('\u0000')) return [...pathOf(step), key];
        stack.push({ value: child, key, parent: step });
      }
    }
  }
  return null;
}

/**
 * Refuses U+0000 anywhere in a request: PostgreSQL cannot store it in text (the driver fails,
 * which was a 500 there and a 404/422 on SQLite), and no valid id or field contains it. A path
 * with `%00` names nothing (404); a query parameter or body field with it is a 422 naming it.
 */
export function assertNoNul(ctx: {
  path: string;
  query: Record<string, string | string[] | undefined>;
  request: unknown;
}): void {
  if (/%00/i.test(ctx.path)) throw new TrackerError('NOT_FOUND', 'Nothing exists at this path');
  for (const [name, value] of Object.entries(ctx.query)) {
    if (name.includes('\u0000') || [value ?? ''].flat().some((v) => v.includes('\u0000'))) {
      throw new TrackerError('VALIDATION_FAILED', `Query parameter ${JSON.stringify(name)} contains a NUL character`, {
        issues: [{ path: [name], code: 'invalid_string', message: 'NUL characters are not allowed' }],
      });
    }
  }
  const path = nulPath((ctx.request as { body?: unknown }).body);
  if (path) {
    throw new TrackerError(
      'VALIDATION_FAILED',
      `${path.length > 0 ? path.join('.') : 'The body'} contains a NUL character`,
      { issues: [{ path, code: 'invalid_string', message: 'NUL characters are not allowed' }] },
    );
  }
}
