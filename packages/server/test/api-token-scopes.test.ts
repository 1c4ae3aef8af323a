import { describe, expect, it } from 'vitest';
import {
  grants,
  normaliseScopes,
  TOKEN_PERMISSIONS,
  SCOPE_PRESETS,
  scopeSchema,
  tokenScopesSchema,
  type Permission,
} from '../src/integrations/scopes.js';

/** The permission vocabulary of SPEC §7.0 as tokens hold it: scopes, wildcards, presets, and the check. */

const READS: Permission[] = [
  'expenses:read',
  'categories:read',
  'budgets:read',
  'analytics:read',
  'export:read',
  'changes:read',
  'imports:read',
  'rules:read',
  'schedules:read',
];

describe('API token scopes', () => {
  it('is the vocabulary of SPEC §7.0, resource:action', () => {
    expect([...TOKEN_PERMISSIONS].sort()).toEqual(
      [
        ...READS,
        'expenses:write',
        'categories:write',
        'budgets:write',
        'imports:write',
        'rules:write',
        'schedules:write',
        'webhooks:manage',
      ].sort(),
    );
  });

  it('presets: read-only reads everything and writes nothing; ingest gets money in; full is everything', () => {
    expect([...SCOPE_PRESETS['read-only']].sort()).toEqual([...READS].sort());
    expect(SCOPE_PRESETS['read-only'].some((p) => p.endsWith(':write') || p === 'webhooks:manage')).toBe(false);
    expect([...SCOPE_PRESETS.ingest].sort()).toEqual([
      'categories:read',
      'expenses:read',
      'expenses:write',
      'imports:read',
      'imports:write',
    ]);
    expect(SCOPE_PRESETS.full).toEqual(TOKEN_PERMISSIONS);
  });

  it('expands resource:* to that resource’s permissions only', () => {
    expect(normaliseScopes(['rules:*'])).toEqual(['rules:read', 'rules:write']);
    expect(normaliseScopes(['imports:*'])).toEqual(['imports:read', 'imports:write']);
    expect(normaliseScopes(['webhooks:*'])).toEqual(['webhooks:manage']);
    expect(
      normaliseScopes(['expenses:*', 'expenses:read', 'read-only']).filter((p) => p.startsWith('expenses:')),
    ).toEqual(['expenses:read', 'expenses:write']);
  });

  it('refuses what is not in the vocabulary: unknown actions, unknown resources, a bare *', () => {
    for (const bad of [
      'rules:delete',
      'tokens:write',
      'auth:*',
      '*',
      'expenses',
      'Expenses:read',
      ' expenses:read',
      'expenses:read ',
    ]) {
      expect(scopeSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('a token asks for at least one scope, and stores them expanded, sorted and distinct', () => {
    expect(tokenScopesSchema.safeParse([]).success).toBe(false);
    expect(tokenScopesSchema.safeParse(['tokens:write']).success).toBe(false);
    expect(tokenScopesSchema.parse(['budgets:write', 'ingest', 'budgets:*'])).toEqual([
      'expenses:read',
      'expenses:write',
      'categories:read',
      'budgets:read',
      'budgets:write',
      'imports:read',
      'imports:write',
    ]);
    expect(tokenScopesSchema.parse(['full'])).toEqual([...TOKEN_PERMISSIONS]);
  });

  it('grants a permission held directly, by wildcard or by preset, and nothing else', () => {
    expect(grants(['expenses:read'], 'expenses:read')).toBe(true);
    expect(grants(['expenses:read'], 'expenses:write')).toBe(false);
    expect(grants(['expenses:*'], 'expenses:write')).toBe(true);
    expect(grants(['expenses:*'], 'categories:read')).toBe(false);
    expect(grants(['read-only'], 'changes:read')).toBe(true);
    expect(grants(['read-only'], 'webhooks:manage')).toBe(false);
    expect(grants(['ingest'], 'imports:write')).toBe(true);
    expect(grants(['ingest'], 'budgets:read')).toBe(false);
    for (const permission of TOKEN_PERMISSIONS) expect(grants(['full'], permission)).toBe(true);
  });

  it('denies by default: no scopes, unknown stored strings, and a route that declares no permission', () => {
    expect(grants([], 'expenses:read')).toBe(false);
    expect(grants(['*', 'admin', 'expenses:*:read'], 'expenses:read')).toBe(false);
    expect(grants(['full'], null)).toBe(false);
  });
});
