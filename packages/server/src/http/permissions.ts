/**
 * The permissions routes declare, `resource:action` (SPEC §7.0). Alert rules and the
 * notifications they raise belong to budgets (a rule hangs off a budget, and creating a
 * budget creates its rules), so they use `budgets:*` rather than a resource of their own.
 * `account:manage` covers the account itself (its settings, password, sessions): SPEC §7.4
 * says an API token can never change the password, so no token preset will carry it. The
 * second wave adds `imports:write`, `rules:*`, `schedules:*` and `webhooks:manage` here.
 */
export const PERMISSIONS = [
  'expenses:read',
  'expenses:write',
  'categories:read',
  'categories:write',
  'budgets:read',
  'budgets:write',
  'analytics:read',
  'export:read',
  'changes:read',
  'account:manage',
] as const;

/**
 * A permission a route can require. Recorded on each route at run time (`x-permission` in
 * the OpenAPI document): API tokens (SPEC §7.4) will be checked against it, and a route
 * without one is refused to them.
 */
export type Permission = (typeof PERMISSIONS)[number];

/** Whether `value` is a permission of the catalogue. */
export function isPermission(value: unknown): value is Permission {
  return (PERMISSIONS as readonly unknown[]).includes(value);
}
