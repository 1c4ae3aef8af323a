import { write, type ServiceContext } from '../write-context.js';

/** Recomputes the owner's daily totals from the expenses, under the owner's write lock. */
export function rebuildTotals(ctx: ServiceContext, ownerId: string): Promise<number> {
  return write(ctx, ownerId, ({ tx }) => tx.totals.rebuild(ownerId));
}
