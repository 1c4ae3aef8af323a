import { z } from 'zod';

/**
 * Who made a change, as every event records it (SPEC §7.0): a person's account, an API
 * token, or `system` for work core does by itself when due (schedules, retries).
 *
 * @example
 * ```ts
 * import { actorSchema } from '@expense-tracker/core';
 *
 * actorSchema.parse({ kind: 'token', id: 'tok_01JD…' }); // { kind: 'token', id: 'tok_01JD…' }
 * actorSchema.safeParse({ kind: 'system', id: 'x' }).success; // false: system has no id
 * ```
 */
export const actorSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('account'), id: z.string().min(1).max(200) }),
    z.strictObject({ kind: z.literal('token'), id: z.string().min(1).max(200) }),
    z.strictObject({ kind: z.literal('system') }),
  ])
  .meta({ id: 'Actor', description: 'Who made the change: an account, an API token, or the system' });

/**
 * Who made a change. `tracker.forOwner(id, { actor })` sets it for every write of the handle;
 * the default is the owner's own account, `{ kind: 'account', id }`.
 *
 * @example
 * ```ts
 * import type { Actor } from '@expense-tracker/core';
 *
 * const script: Actor = { kind: 'token', id: 'tok_nightly_sync' };
 * const asScript = tracker.forOwner('alice', { actor: script });
 * await asScript.expenses.create({ amount: '4.20' });
 * (await asScript.changes()).events.at(-1)?.actor; // { kind: 'token', id: 'tok_nightly_sync' }
 * ```
 */
export type Actor = z.output<typeof actorSchema>;

/** The actor of a handle made without one: the owner's own account. */
export function ownerActor(ownerId: string): Actor {
  return { kind: 'account', id: ownerId };
}

/** The actor as `et_event` stores it: a kind and an id (`null` for `system`). */
export function fromActorColumns(kind: string, id: string | null): Actor {
  if (kind === 'system' || id === null) return { kind: 'system' };
  return { kind: kind === 'token' ? 'token' : 'account', id };
}
