import { z } from 'zod';
import { PERMISSIONS as ROUTE_PERMISSIONS, type Permission as RoutePermission } from '../http/permissions.js';

/**
 * The permissions a token can hold: every permission routes declare
 * (`http/permissions.ts`, the one vocabulary of SPEC §7.0) except `account:manage`, since a
 * token can never change the password or mint tokens (SPEC §7.4). Adding a permission never
 * widens an existing token: tokens store their expanded permissions (see {@link normaliseScopes}).
 *
 * @example
 * ```ts
 * import { permissionSchema, type Permission } from './scopes.js'; // internal to the server for now
 *
 * const needed: Permission = permissionSchema.parse('budgets:write');
 * permissionSchema.safeParse('account:manage').success; // false
 * ```
 */
export const permissionSchema = z.enum(ROUTE_PERMISSIONS).exclude(['account:manage']);
/** One permission a token can hold. */
export type Permission = z.output<typeof permissionSchema>;
/** Every permission a token can hold, in vocabulary order. */
export const TOKEN_PERMISSIONS: readonly Permission[] = permissionSchema.options;

/** The resources of the vocabulary, the part before the colon. */
type Resource = Permission extends `${infer R}:${string}` ? R : never;
/** `expenses:*`: every permission of one resource. */
type ResourceWildcard = `${Resource}:*`;
const WILDCARDS = [...new Set(TOKEN_PERMISSIONS.map((permission) => `${resourceOf(permission)}:*` as const))];

/**
 * A scope as a person writes it: a permission, or `resource:*` for every permission of a
 * resource (`rules:*` is `rules:read` and `rules:write`). There is no `*` alone: to grant
 * everything, ask for the `full` preset, which says so by name.
 *
 * @example
 * ```ts
 * import { scopeSchema } from './scopes.js'; // internal to the server for now
 *
 * scopeSchema.parse('rules:*'); // 'rules:*'
 * scopeSchema.safeParse('rules:delete').success; // false
 * ```
 */
export const scopeSchema = z.union([permissionSchema, z.enum(WILDCARDS as [ResourceWildcard, ...ResourceWildcard[]])]);
/** A scope: a {@link Permission} or a `resource:*` wildcard. */
export type Scope = z.output<typeof scopeSchema>;

/**
 * Named sets of permissions, for the common kinds of integration:
 *
 * - `read-only` — every `:read` permission: dashboards, reports, a spreadsheet pulling data,
 *   a client following `/changes`. It changes nothing and manages no webhooks (a webhook
 *   sends data out, so creating one is not reading).
 * - `ingest` — getting money in: a bank-sync script, a receipt bot, a shortcut on a phone.
 *   It writes expenses and imports, and reads expenses, categories and its imports, which it needs to
 *   avoid doubles and to pick a category; nothing about budgets, rules or webhooks.
 * - `full` — every permission, for a person's own trusted automation. Even `full` cannot
 *   create tokens or change the password: those are not in the vocabulary at all (SPEC §7.4).
 *
 * @example
 * ```ts
 * import { SCOPE_PRESETS } from './scopes.js'; // internal to the server for now
 *
 * SCOPE_PRESETS.ingest; // ['expenses:read', 'expenses:write', 'categories:read', 'imports:read', 'imports:write']
 * ```
 */
export const SCOPE_PRESETS = {
  'read-only': TOKEN_PERMISSIONS.filter((permission) => permission.endsWith(':read')),
  ingest: ['expenses:read', 'expenses:write', 'categories:read', 'imports:read', 'imports:write'],
  full: [...TOKEN_PERMISSIONS],
} as const satisfies Record<string, readonly Permission[]>;

/**
 * The name of a preset of {@link SCOPE_PRESETS}.
 *
 * @example
 * ```ts
 * import { scopePresetSchema } from './scopes.js'; // internal to the server for now
 *
 * scopePresetSchema.options; // ['read-only', 'ingest', 'full']
 * ```
 */
export const scopePresetSchema = z.enum(['read-only', 'ingest', 'full']);
/** The name of a preset of {@link SCOPE_PRESETS}. */
export type ScopePreset = z.output<typeof scopePresetSchema>;

/**
 * The scopes a token is asked for (scopes and preset names, at least one: an empty list
 * is refused rather than read as "everything"), turned into the sorted, distinct
 * permissions the token stores.
 *
 * @example
 * ```ts
 * import { tokenScopesSchema } from './scopes.js'; // internal to the server for now
 *
 * tokenScopesSchema.parse(['read-only', 'expenses:*']).includes('expenses:write'); // true
 * tokenScopesSchema.safeParse([]).success; // false
 * ```
 */
export const tokenScopesSchema = z
  .array(z.union([scopeSchema, scopePresetSchema]))
  .min(1, 'A token needs at least one scope')
  .transform(normaliseScopes);

/**
 * The permissions a list of scopes and presets stands for, sorted in vocabulary order and
 * without repeats. A token stores this, not what was asked, so that a permission added to
 * the vocabulary later (or to a preset) never reaches a token minted before it.
 *
 * @example
 * ```ts
 * import { normaliseScopes } from './scopes.js'; // internal to the server for now
 *
 * normaliseScopes(['budgets:*', 'expenses:read', 'budgets:read']); // ['expenses:read', 'budgets:read', 'budgets:write']
 * ```
 */
export function normaliseScopes(scopes: readonly (Scope | ScopePreset)[]): Permission[] {
  const held = new Set(scopes.flatMap(expandScope));
  return TOKEN_PERMISSIONS.filter((permission) => held.has(permission));
}

/**
 * Whether scopes grant a permission. `null` (a route that declares no permission) is never
 * granted: deny by default (SPEC §7.0). Scopes may be stored permissions or still hold
 * wildcards and presets; an unknown string grants nothing.
 *
 * @example
 * ```ts
 * import { grants } from './scopes.js'; // internal to the server for now
 *
 * grants(['read-only'], 'expenses:read'); // true
 * grants(['read-only'], 'expenses:write'); // false
 * grants(['expenses:*'], 'expenses:write'); // true
 * grants(['full'], null); // false
 * ```
 */
export function grants(scopes: readonly string[], permission: RoutePermission | null): boolean {
  if (permission === null) return false;
  return scopes.some((scope) => {
    const known = scopeOrPresetSchema.safeParse(scope);
    return known.success && expandScope(known.data).some((held) => held === permission);
  });
}

/** A scope or a preset name, as {@link grants} reads a stored or requested scope list. */
const scopeOrPresetSchema = z.union([scopeSchema, scopePresetSchema]);

/** The permissions one scope or preset stands for. */
function expandScope(scope: Scope | ScopePreset): readonly Permission[] {
  if (isPreset(scope)) return SCOPE_PRESETS[scope];
  if (scope.endsWith(':*')) return TOKEN_PERMISSIONS.filter((permission) => `${resourceOf(permission)}:*` === scope);
  return TOKEN_PERMISSIONS.filter((permission) => permission === scope);
}

function isPreset(scope: string): scope is ScopePreset {
  return (scopePresetSchema.options as readonly string[]).includes(scope);
}

function resourceOf(permission: Permission): Resource {
  return permission.slice(0, permission.indexOf(':')) as Resource;
}
