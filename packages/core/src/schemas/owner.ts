import { z } from 'zod';
import { currencySchema, timeZoneSchema } from './common.js';

/** An owner's settings, as stored and returned. */
export const ownerSettingsSchema = z
  .object({
    timezone: timeZoneSchema,
    currency: currencySchema,
    weekStartsOn: z.union([z.literal(0), z.literal(1)]),
  })
  .meta({ id: 'OwnerSettings' });

/** An owner's settings. */
export type OwnerSettings = z.output<typeof ownerSettingsSchema>;

/** A change to an owner's settings: any subset of the fields. */
export const ownerSettingsPatchSchema = z
  .strictObject({
    timezone: timeZoneSchema.optional(),
    currency: currencySchema.optional(),
    weekStartsOn: z.union([z.literal(0), z.literal(1)]).optional(),
  })
  .meta({ id: 'OwnerSettingsPatch' });

/** Input of `owner.settings.update()`. */
export type OwnerSettingsPatch = z.input<typeof ownerSettingsPatchSchema>;

/** The settings an owner has until they change them. */
export const DEFAULT_OWNER_SETTINGS: Readonly<OwnerSettings> = Object.freeze({
  timezone: 'UTC',
  currency: 'USD',
  weekStartsOn: 1,
});
