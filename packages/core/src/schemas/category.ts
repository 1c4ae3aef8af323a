import { z } from 'zod';
import { idSchema, instantSchema, noNul, optionalText } from './common.js';

const nameSchema = z
  .string()
  .trim()
  .min(1, 'Name must not be empty')
  .max(100, 'Name must be at most 100 characters')
  .refine(noNul, 'Must not contain NUL (U+0000) characters');
const colorSchema = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'Expected a colour written #RRGGBB')
  .transform((value) => value.toUpperCase());

/** A category as returned. */
export const categorySchema = z
  .object({
    id: idSchema,
    name: z.string(),
    color: z.string().nullable(),
    icon: z.string().nullable(),
    parentId: idSchema.nullable(),
    createdAt: instantSchema,
    updatedAt: instantSchema,
  })
  .meta({ id: 'Category' });

/** A category. */
export type Category = z.output<typeof categorySchema>;

/** Input of `owner.categories.create()`; also what a full update (`replace`) takes. */
export const categoryInputSchema = z
  .strictObject({
    name: nameSchema,
    color: colorSchema.nullable().optional(),
    icon: optionalText(50),
    parentId: idSchema.nullable().optional(),
  })
  .meta({ id: 'CategoryInput' });

/** Input of `owner.categories.create()`. */
export type CategoryInput = z.input<typeof categoryInputSchema>;

/** Input of `owner.categories.update()`: any subset of the fields. */
export const categoryPatchSchema = categoryInputSchema.partial().meta({ id: 'CategoryPatch' });

/** Input of `owner.categories.update()`. */
export type CategoryPatch = z.input<typeof categoryPatchSchema>;

/** Options of `owner.categories.delete()`. */
export const categoryDeleteOptionsSchema = z
  .strictObject({
    reassignTo: idSchema.optional(),
    uncategorize: z.boolean().optional(),
  })
  .refine((value) => !(value.reassignTo !== undefined && value.uncategorize === true), {
    message: 'Give either reassignTo or uncategorize, not both',
  })
  .meta({ id: 'CategoryDeleteOptions' });

/** Options of `owner.categories.delete()`. */
export type CategoryDeleteOptions = z.input<typeof categoryDeleteOptionsSchema>;
