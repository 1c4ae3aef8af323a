import {
  DEFAULT_OWNER_SETTINGS,
  ownerSettingsPatchSchema,
  type OwnerSettings,
  type OwnerSettingsPatch,
} from './schema.js';
import { assertOpen, parseInput, write, type ServiceContext } from '../write-context.js';

/** The owner's settings, or the defaults when they never saved any. */
export async function getSettings(ctx: ServiceContext, ownerId: string): Promise<OwnerSettings> {
  assertOpen(ctx);
  return (await ctx.store.owners.getSettings(ownerId)) ?? { ...DEFAULT_OWNER_SETTINGS };
}

/** Changes some of the owner's settings and returns them all. */
export async function updateSettings(
  ctx: ServiceContext,
  ownerId: string,
  patch: OwnerSettingsPatch,
): Promise<OwnerSettings> {
  const changes = parseInput(ownerSettingsPatchSchema, patch);
  return write(ctx, ownerId, async ({ tx, at, settings: current }) => {
    const next: OwnerSettings = {
      timezone: changes.timezone ?? current.timezone,
      currency: changes.currency ?? current.currency,
      weekStartsOn: changes.weekStartsOn ?? current.weekStartsOn,
    };
    await tx.owners.saveSettings(ownerId, next, at);
    return next;
  });
}
