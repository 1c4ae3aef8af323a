import { z } from 'zod';
import { currencySchema, timeZoneSchema } from '../common-schemas.js';

/**
 * An owner's settings, as stored and returned.
 *
 * @example
 * ```ts
 * import { ownerSettingsSchema } from '@expense-tracker/core';
 *
 * ownerSettingsSchema.parse({ timezone: 'Europe/Berlin', currency: 'eur', weekStartsOn: 1 });
 * // { timezone: 'Europe/Berlin', currency: 'EUR', weekStartsOn: 1 }
 * ownerSettingsSchema.safeParse({ timezone: 'UTC', currency: 'USD', weekStartsOn: 3 }).success; // false: 0 (Sunday) or 1 (Monday)
 * ```
 */
export const ownerSettingsSchema = z
  .object({
    timezone: timeZoneSchema,
    currency: currencySchema,
    weekStartsOn: z.union([z.literal(0), z.literal(1)]),
  })
  .meta({ id: 'OwnerSettings' });

/**
 * An owner's settings.
 *
 * @example
 * ```ts
 * import type { OwnerSettings } from '@expense-tracker/core';
 *
 * const settings: OwnerSettings = await owner.settings.get();
 * // { timezone: 'UTC', currency: 'USD', weekStartsOn: 1 } until the owner changes them
 * ```
 */
export type OwnerSettings = z.output<typeof ownerSettingsSchema>;

/**
 * A change to an owner's settings: any subset of the fields.
 *
 * @example
 * ```ts
 * import { ownerSettingsPatchSchema } from '@expense-tracker/core';
 *
 * ownerSettingsPatchSchema.parse({ currency: 'jpy' }); // { currency: 'JPY' }
 * ownerSettingsPatchSchema.safeParse({ locale: 'de' }).success; // false: unknown keys are refused
 * ```
 */
export const ownerSettingsPatchSchema = z
  .strictObject({
    timezone: timeZoneSchema.optional(),
    currency: currencySchema.optional(),
    weekStartsOn: z.union([z.literal(0), z.literal(1)]).optional(),
  })
  .meta({ id: 'OwnerSettingsPatch' });

/**
 * Input of `owner.settings.update()`.
 *
 * @example
 * ```ts
 * import type { OwnerSettingsPatch } from '@expense-tracker/core';
 *
 * const patch: OwnerSettingsPatch = { timezone: 'America/New_York', weekStartsOn: 0 };
 * await owner.settings.update(patch); // the currency stays as it was
 * ```
 */
export type OwnerSettingsPatch = z.input<typeof ownerSettingsPatchSchema>;

/**
 * The settings an owner has until they change them.
 *
 * @example
 * ```ts
 * import { DEFAULT_OWNER_SETTINGS } from '@expense-tracker/core';
 *
 * DEFAULT_OWNER_SETTINGS; // { timezone: 'UTC', currency: 'USD', weekStartsOn: 1 }
 * await tracker.forOwner('someone-new').settings.get(); // the same values
 * ```
 */
export const DEFAULT_OWNER_SETTINGS: Readonly<OwnerSettings> = Object.freeze({
  timezone: 'UTC',
  currency: 'USD',
  weekStartsOn: 1,
});
