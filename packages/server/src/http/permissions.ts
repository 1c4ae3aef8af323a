/**
 * The permissions routes declare, `resource:action` (SPEC §7.0). Alert rules and the
 * notifications they raise belong to budgets (a rule hangs off a budget, and creating a
 * budget creates its rules), so they use `budgets:*` rather than a resource of their own.
 * `account:manage` covers the account itself (its settings, password, sessions): SPEC §7.4
 * says an API token can never change the password, so no token can hold it
 * (`integrations/scopes.ts` takes every other permission from this list: one vocabulary).
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
  'imports:read',
  'imports:write',
  'rules:read',
  'rules:write',
  'schedules:read',
  'schedules:write',
  'webhooks:manage',
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
