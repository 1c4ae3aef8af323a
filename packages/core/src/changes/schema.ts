import { z } from 'zod';
import { limitSchema } from '../common-schemas.js';
import { changeEventSchema } from './event-schema.js';

/**
 * Query of `owner.changes()`: events with `seq` greater than `after`, oldest first.
 *
 * @example
 * ```ts
 * import { changesQuerySchema } from '@expense-tracker/core';
 *
 * changesQuerySchema.parse({}); // { after: 0, limit: 100 }
 * changesQuerySchema.parse({ after: '42' }); // { after: 42, limit: 100 }
 * changesQuerySchema.safeParse({ after: -1 }).success; // false
 * ```
 */
export const changesQuerySchema = z
  .strictObject({
    after: z.coerce.number().int().min(0, 'after must be 0 or more').default(0),
    limit: limitSchema.default(100),
  })
  .meta({ id: 'ChangesQuery' });

/**
 * Query of `owner.changes()`.
 *
 * @example
 * ```ts
 * import type { ChangesQuery } from '@expense-tracker/core';
 *
 * const lastSeenSeq = 0; // what your client stored after its last read
 * const query: ChangesQuery = { after: lastSeenSeq, limit: 200 };
 * const { events, lastSeq } = await owner.changes(query);
 * ```
 */
export type ChangesQuery = z.input<typeof changesQuerySchema>;

/**
 * A page of the change feed; `lastSeq` is the owner's newest seq, so a reader knows if it is behind.
 *
 * @example
 * ```ts
 * import { changesPageSchema } from '@expense-tracker/core';
 *
 * // A REST client catching up through `GET /changes` of the server:
 * const api = (path: string) =>
 *   fetch(`http://localhost:8000${path}`, { headers: { authorization: `Bearer ${process.env.ACCESS_TOKEN}` } }).then((res) => res.json());
 * let after = 0;
 * for (;;) {
 *   const { events, lastSeq } = changesPageSchema.parse(await api(`/changes?after=${after}&limit=200`));
 *   after = events.at(-1)?.seq ?? after;
 *   if (after >= lastSeq) break;
 * }
 * ```
 */
export const changesPageSchema = z
  .object({ events: z.array(changeEventSchema), lastSeq: z.int().min(0) })
  .meta({ id: 'ChangesPage' });
