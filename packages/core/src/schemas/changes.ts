import { z } from 'zod';
import { instantSchema, limitSchema } from './common.js';

/** Query of `owner.changes()`: events with `seq` greater than `after`, oldest first. */
export const changesQuerySchema = z
  .strictObject({
    after: z.coerce.number().int().min(0, 'after must be 0 or more').default(0),
    limit: limitSchema.default(100),
  })
  .meta({ id: 'ChangesQuery' });

/** Query of `owner.changes()`. */
export type ChangesQuery = z.input<typeof changesQuerySchema>;

/** An event of the change feed. */
export const changeEventSchema = z
  .object({
    seq: z.int().min(1),
    ownerId: z.string(),
    type: z.string(),
    data: z.record(z.string(), z.unknown()),
    at: instantSchema,
  })
  .meta({ id: 'ChangeEvent' });

/** A page of the change feed; `lastSeq` is the owner's newest seq, so a reader knows if it is behind. */
export const changesPageSchema = z
  .object({ events: z.array(changeEventSchema), lastSeq: z.int().min(0) })
  .meta({ id: 'ChangesPage' });
