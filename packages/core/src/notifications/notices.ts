import { z } from 'zod';
import type { Notice } from '../budgets/schema.js';
import { storableText } from '../common-schemas.js';
import { newId } from '../ids.js';
import { toNotice } from '../presenters.js';
import type { NoticeRecord } from '../store/store.js';
import { parseInput, write, type ServiceContext, type WriteScope } from '../write-context.js';

/**
 * Input of `owner.notifications.post()`: a notice about one record (`subjectId`) under a
 * `topic`, stored once per owner, topic and subject.
 *
 * @example
 * ```ts
 * import { noticeInputSchema } from '@expense-tracker/core';
 *
 * noticeInputSchema.parse({ topic: 'backup.failed', subjectId: '2026-12-03', message: 'Last night’s backup failed' });
 * noticeInputSchema.safeParse({ topic: 'Backup Failed', subjectId: 'x', message: 'x' }).success; // false: lower-case dotted names
 * ```
 */
export const noticeInputSchema = z
  .strictObject({
    topic: z
      .string()
      .regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/, 'A topic is lower-case words joined by dots (api-token.expiring)')
      .max(64),
    subjectId: storableText(z.string().min(1).max(200)),
    message: storableText(z.string().trim().min(1).max(500)),
    data: z
      .record(z.string().max(64), z.union([storableText(z.string().max(2000)), z.number(), z.boolean(), z.null()]))
      .refine((data) => Object.keys(data).length <= 20, 'At most 20 details')
      .default({}),
  })
  .meta({ id: 'NoticeInput' });

/**
 * Input of `owner.notifications.post()`.
 *
 * @example
 * ```ts
 * import type { NoticeInput } from '@expense-tracker/core';
 *
 * const input: NoticeInput = { topic: 'backup.failed', subjectId: '2026-12-03', message: 'Last night’s backup failed', data: { exitCode: 2 } };
 * await owner.notifications.post(input);
 * ```
 */
export type NoticeInput = z.input<typeof noticeInputSchema>;

/**
 * Stores a notice inside a write, once per (owner, topic, subject): the store's unique key
 * decides, so two instances posting the same notice at once store one. When stored, queues
 * `notice.posted` and returns the notice; `null` when the owner already had it.
 */
export async function recordNotice(
  scope: WriteScope,
  ownerId: string,
  input: z.output<typeof noticeInputSchema>,
): Promise<Notice | null> {
  const record: NoticeRecord = {
    id: newId('ntf'),
    ownerId,
    kind: 'notice',
    topic: input.topic,
    subjectId: input.subjectId,
    message: input.message,
    data: input.data,
    createdAt: scope.at,
    readAt: null,
  };
  if (!(await scope.tx.notifications.insertNoticeOnce(record))) return null;
  const notice = toNotice(record);
  scope.record({ type: 'notice.posted', data: { notification: notice } });
  return notice;
}

/** `owner.notifications.post()`: validates, then {@link recordNotice} in a write of the owner's. */
export async function postNotice(ctx: ServiceContext, ownerId: string, input: NoticeInput): Promise<Notice | null> {
  const parsed = parseInput(noticeInputSchema, input);
  return write(ctx, ownerId, (scope) => recordNotice(scope, ownerId, parsed));
}
