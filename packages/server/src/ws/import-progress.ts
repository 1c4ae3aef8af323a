import type { Clock, ImportProgress } from '@expense-tracker/core';
import { z } from 'zod';

/**
 * A progress message on the notification socket: how far a long import preview or commit of
 * the socket's user has got. Not a change-feed event (nothing is stored), so it has no `seq`
 * and is never replayed; it reaches the sockets on the instance doing the work.
 *
 * @example
 * ```ts
 * import { importProgressMessageSchema } from '@expense-tracker/server';
 *
 * importProgressMessageSchema.parse({
 *   type: 'import.progress',
 *   at: '2026-11-15T12:00:00.000Z',
 *   data: { importId: 'imp_01JD…', phase: 'commit', rows: 500, total: 1200 },
 * });
 * ```
 */
export const importProgressMessageSchema = z
  .strictObject({
    type: z.literal('import.progress'),
    at: z.string().meta({ description: 'When the progress was measured (ISO 8601)' }),
    data: z.strictObject({
      importId: z.string(),
      phase: z.enum(['preview', 'commit']),
      rows: z.int().min(0).meta({ description: 'Rows done so far' }),
      total: z.int().min(0).nullable().meta({ description: 'Rows in all, when known (commit knows it)' }),
    }),
  })
  .meta({ id: 'ImportProgressMessage', description: 'How far a long import preview or commit has got (no seq)' });

/**
 * A progress message; see {@link importProgressMessageSchema}.
 *
 * @example
 * ```ts
 * import type { ImportProgressMessage } from '@expense-tracker/server';
 *
 * const message: ImportProgressMessage = { type: 'import.progress', at: '2026-11-15T12:00:00.000Z', data: { importId: 'imp_01JD…', phase: 'commit', rows: 500, total: 1200 } };
 * const percent = message.data.total ? Math.round((100 * message.data.rows) / message.data.total) : null; // 42
 * ```
 */
export type ImportProgressMessage = z.output<typeof importProgressMessageSchema>;

/**
 * The least time between two progress messages of one import.
 *
 * @example
 * ```ts
 * import { PROGRESS_INTERVAL_MS } from '@expense-tracker/server';
 *
 * PROGRESS_INTERVAL_MS; // 250: at most 4 progress messages a second per import, and always the last
 * ```
 */
export const PROGRESS_INTERVAL_MS = 250;

/**
 * Carries import progress from the routes doing the work to the owner's open sockets on this
 * instance, throttled: at most one message per import every {@link PROGRESS_INTERVAL_MS}
 * (core tells progress per chunk of 500 rows, which a fast commit does many times a second),
 * and always the last one, so a bar reaches 100 %.
 *
 * @example
 * ```ts
 * import { systemClock } from '@expense-tracker/core';
 * import { ImportProgressHub } from '@expense-tracker/server';
 *
 * declare const importId: string;
 * const hub = new ImportProgressHub(systemClock);
 * hub.subscribe(owner.ownerId, (message) => console.log(`${message.data.rows}/${message.data.total}`));
 * const { report, flush } = hub.reporter(owner.ownerId);
 * await owner.imports.commit(importId, { onProgress: report });
 * flush(); // the last progress, if it was held back
 * ```
 */
export class ImportProgressHub {
  readonly #listeners = new Map<string, Set<(message: ImportProgressMessage) => void>>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Calls `listener` with each progress message of `ownerId`; returns the unsubscribe. */
  subscribe(ownerId: string, listener: (message: ImportProgressMessage) => void): () => void {
    let set = this.#listeners.get(ownerId);
    if (!set) this.#listeners.set(ownerId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(ownerId);
    };
  }

  /**
   * A reporter for one preview or commit of `ownerId`: pass `report` as core's `onProgress`
   * and call `flush` when the work is done, to send the last progress if it was held back.
   */
  reporter(ownerId: string): { report: (progress: ImportProgress) => void; flush: () => void } {
    let lastSent = -Infinity;
    let held: ImportProgress | null = null;
    const send = (progress: ImportProgress) => {
      const now = this.#clock.now();
      lastSent = now.getTime();
      held = null;
      const message: ImportProgressMessage = { type: 'import.progress', at: now.toISOString(), data: { ...progress } };
      for (const listener of this.#listeners.get(ownerId) ?? []) listener(message);
    };
    return {
      report: (progress) => {
        if (this.#clock.now().getTime() - lastSent >= PROGRESS_INTERVAL_MS) send(progress);
        else held = progress;
      },
      flush: () => {
        if (held) send(held);
      },
    };
  }
}
