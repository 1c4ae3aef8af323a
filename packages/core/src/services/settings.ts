import { DEFAULT_OWNER_SETTINGS, ownerSettingsPatchSchema, type OwnerSettings, type OwnerSettingsPatch } from '../schemas/owner.js';
import { assertOpen, parseInput, type ServiceContext } from './context.js';

/** The owner's settings, or the defaults when they never saved any. */
export async function getSettings(ctx: ServiceContext, ownerId: string): Promise<OwnerSettings> {
  assertOpen(ctx);
  return (await ctx.store.owners.getSettings(ownerId)) ?? { ...DEFAULT_OWNER_SETTINGS };
}

/** Changes some of the owner's settings and returns them all. */
export async function updateSettings(ctx: ServiceContext, ownerId: string, patch: OwnerSettingsPatch): Promise<OwnerSettings> {
  const changes = parseInput(ownerSettingsPatchSchema, patch);
  assertOpen(ctx);
  const at = ctx.clock.now().toISOString();
  return ctx.store.transaction(async (tx) => {
    const { settings: current } = await tx.owners.lock(ownerId, at);
    const next: OwnerSettings = {
      timezone: changes.timezone ?? current.timezone,
      currency: changes.currency ?? current.currency,
      weekStartsOn: changes.weekStartsOn ?? current.weekStartsOn,
    };
    await tx.owners.saveSettings(ownerId, next, at);
    return next;
  });
}
