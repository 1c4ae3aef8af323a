import { z } from 'zod';
import { EVENT_TYPES } from '../events.js';
import { idSchema, instantSchema, limitSchema, optionalText, storableText } from '../common-schemas.js';

/**
 * A receiver's URL: absolute `https:` (or `http:`), at most 2,000 characters, with no
 * credentials (the signature authenticates the sender). Where it may point is checked at
 * delivery, on the addresses its host resolves to (see `checkAddress`).
 *
 * @example
 * ```ts
 * import { webhookUrlSchema } from '@expense-tracker/core';
 *
 * webhookUrlSchema.safeParse('https://hooks.example.com/expenses').success; // true
 * webhookUrlSchema.safeParse('ftp://hooks.example.com/').success; // false
 * webhookUrlSchema.safeParse('https://user:pw@hooks.example.com/').success; // false
 * ```
 */
export const webhookUrlSchema = storableText(z.string().trim().max(2000, 'A webhook URL is at most 2,000 characters'))
  .refine((text) => URL.canParse(text), 'Expected an absolute URL, e.g. https://hooks.example.com/expenses')
  .refine((text) => !URL.canParse(text) || /^https?:$/.test(new URL(text).protocol), 'A webhook URL is https: or http:')
  .refine(
    (text) => !URL.canParse(text) || (new URL(text).username === '' && new URL(text).password === ''),
    'A webhook URL may not carry credentials: the signature authenticates the sender',
  )
  .meta({
    description: 'The receiver’s absolute https: (or http:) URL',
    example: 'https://hooks.example.com/expenses',
  });

/**
 * An event type an endpoint subscribes to.
 *
 * @example
 * ```ts
 * import { webhookEventTypeSchema } from '@expense-tracker/core';
 *
 * webhookEventTypeSchema.parse('expense.created'); // 'expense.created'
 * ```
 */
export const webhookEventTypeSchema = z.enum(EVENT_TYPES);

const eventTypesSchema = z
  .array(webhookEventTypeSchema)
  .max(EVENT_TYPES.length)
  .transform((types) => [...new Set(types)])
  .meta({ description: 'Event types delivered; empty: every type but webhook.* and notice.posted' });

/**
 * Input of `owner.webhooks.create()`.
 *
 * @example
 * ```ts
 * import { webhookEndpointInputSchema } from '@expense-tracker/core';
 *
 * webhookEndpointInputSchema.parse({ url: 'https://hooks.example.com/x' }); // { url, eventTypes: [], enabled: true }
 * ```
 */
export const webhookEndpointInputSchema = z
  .strictObject({
    url: webhookUrlSchema,
    eventTypes: eventTypesSchema.default([]),
    description: optionalText(500),
    enabled: z.boolean().default(true),
  })
  .meta({ id: 'WebhookEndpointInput' });

/**
 * Input of `owner.webhooks.create()`.
 *
 * @example
 * ```ts
 * import type { WebhookEndpointInput } from '@expense-tracker/core';
 *
 * const input: WebhookEndpointInput = { url: 'https://hooks.example.com/x', eventTypes: ['expense.created'] };
 * ```
 */
export type WebhookEndpointInput = z.input<typeof webhookEndpointInputSchema>;

/**
 * Input of `owner.webhooks.update()`: the fields to change. Enabling an endpoint that a 410
 * disabled resumes its deliveries where they stopped.
 *
 * @example
 * ```ts
 * import { webhookEndpointPatchSchema } from '@expense-tracker/core';
 *
 * webhookEndpointPatchSchema.parse({ enabled: false }); // { enabled: false }
 * ```
 */
export const webhookEndpointPatchSchema = z
  .strictObject({
    url: webhookUrlSchema.optional(),
    eventTypes: eventTypesSchema.optional(),
    description: optionalText(500),
    enabled: z.boolean().optional(),
  })
  .meta({ id: 'WebhookEndpointPatch' });

/**
 * Input of `owner.webhooks.update()`.
 *
 * @example
 * ```ts
 * import type { WebhookEndpointPatch } from '@expense-tracker/core';
 *
 * const patch: WebhookEndpointPatch = { eventTypes: ['alert.triggered'] };
 * ```
 */
export type WebhookEndpointPatch = z.input<typeof webhookEndpointPatchSchema>;

/**
 * A webhook endpoint as returned; never its secret, which is shown once at creation and
 * rotation.
 *
 * @example
 * ```ts
 * import { webhookEndpointSchema } from '@expense-tracker/core';
 *
 * const [first] = await owner.webhooks.list();
 * if (first) webhookEndpointSchema.parse(first).enabled; // true unless disabled
 * ```
 */
export const webhookEndpointSchema = z
  .object({
    id: idSchema,
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(webhookEventTypeSchema),
    enabled: z.boolean(),
    disabledReason: z
      .enum(['gone', 'manual'])
      .nullable()
      .meta({ description: '`gone`: the receiver answered 410; `manual`: disabled by a call' }),
    previousSecretExpiresAt: instantSchema
      .nullable()
      .meta({ description: 'Until when the secret before the last rotation also signs' }),
    createdAt: instantSchema,
    updatedAt: instantSchema,
  })
  .meta({ id: 'WebhookEndpoint' });

/**
 * A webhook endpoint.
 *
 * @example
 * ```ts
 * import type { WebhookEndpoint } from '@expense-tracker/core';
 *
 * const endpoints: WebhookEndpoint[] = await owner.webhooks.list();
 * ```
 */
export type WebhookEndpoint = z.output<typeof webhookEndpointSchema>;

/**
 * What `owner.webhooks.create()` answers: the endpoint and its signing secret, shown this once.
 *
 * @example
 * ```ts
 * import type { CreatedWebhookEndpoint } from '@expense-tracker/core';
 *
 * const created: CreatedWebhookEndpoint = await owner.webhooks.create({ url: 'https://hooks.example.com/x' });
 * created.secret; // 'whsec_…': give it to the receiver now; it is not shown again
 * ```
 */
export type CreatedWebhookEndpoint = WebhookEndpoint & { secret: string };

/** Message states. */
const messageStateSchema = z.enum(['pending', 'delivering', 'delivered', 'dead']);

/**
 * A message: one event for one endpoint, and how its delivery went. `id` is the
 * `webhook-id` header of every attempt.
 *
 * @example
 * ```ts
 * import { webhookMessageSchema } from '@expense-tracker/core';
 *
 * const [endpoint] = await owner.webhooks.list();
 * const messages = endpoint ? await owner.webhooks.messages(endpoint.id, { state: 'dead' }) : [];
 * messages.map((message) => webhookMessageSchema.parse(message).lastError);
 * ```
 */
export const webhookMessageSchema = z
  .object({
    id: z.string(),
    endpointId: idSchema,
    seq: z.int().min(1),
    type: z.string(),
    state: messageStateSchema,
    attempts: z.int().min(0),
    nextAttemptAt: instantSchema.nullable().meta({ description: 'When it is tried next; null unless pending' }),
    lastStatus: z.int().nullable(),
    lastError: z.string().nullable(),
    lastAttemptAt: instantSchema.nullable(),
    deliveredAt: instantSchema.nullable(),
    createdAt: instantSchema,
  })
  .meta({ id: 'WebhookMessage' });

/**
 * A message.
 *
 * @example
 * ```ts
 * import type { WebhookMessage } from '@expense-tracker/core';
 *
 * const [endpoint] = await owner.webhooks.list();
 * const dead: WebhookMessage[] = endpoint ? await owner.webhooks.messages(endpoint.id, { state: 'dead' }) : [];
 * ```
 */
export type WebhookMessage = z.output<typeof webhookMessageSchema>;

/**
 * Query of `owner.webhooks.messages()`: newest first, of one `state`, paged with `before`.
 *
 * @example
 * ```ts
 * import { webhookMessageQuerySchema } from '@expense-tracker/core';
 *
 * webhookMessageQuerySchema.parse({ state: 'dead', limit: '20' }); // { state: 'dead', limit: 20 }
 * ```
 */
export const webhookMessageQuerySchema = z
  .strictObject({
    state: messageStateSchema.optional(),
    before: z.string().min(1).max(64).optional(),
    limit: limitSchema.default(50),
  })
  .meta({ id: 'WebhookMessageQuery' });

/**
 * Query of `owner.webhooks.messages()`.
 *
 * @example
 * ```ts
 * import type { WebhookMessageQuery } from '@expense-tracker/core';
 *
 * const query: WebhookMessageQuery = { state: 'dead' };
 * ```
 */
export type WebhookMessageQuery = z.input<typeof webhookMessageQuerySchema>;

/**
 * Input of `owner.webhooks.replay()`: the feed seqs to deliver again, `toSeq` defaulting to
 * the newest.
 *
 * @example
 * ```ts
 * import { webhookReplaySchema } from '@expense-tracker/core';
 *
 * webhookReplaySchema.parse({ fromSeq: 120 }); // { fromSeq: 120 }
 * ```
 */
export const webhookReplaySchema = z
  .strictObject({ fromSeq: z.coerce.number().int().min(1), toSeq: z.coerce.number().int().min(1).optional() })
  .refine((range) => range.toSeq === undefined || range.toSeq >= range.fromSeq, {
    message: 'toSeq must not be before fromSeq',
    path: ['toSeq'],
  })
  .meta({ id: 'WebhookReplay' });

/**
 * Input of `owner.webhooks.replay()`.
 *
 * @example
 * ```ts
 * import type { WebhookReplay } from '@expense-tracker/core';
 *
 * const range: WebhookReplay = { fromSeq: 120, toSeq: 180 };
 * ```
 */
export type WebhookReplay = z.input<typeof webhookReplaySchema>;

/**
 * Input of `owner.webhooks.rotateSecret()`: how long the old secret keeps signing, in seconds
 * (0 to 7 days; default a day).
 *
 * @example
 * ```ts
 * import { webhookRotateSchema } from '@expense-tracker/core';
 *
 * webhookRotateSchema.parse({}); // { graceSeconds: 86400 }
 * ```
 */
export const webhookRotateSchema = z
  .strictObject({
    graceSeconds: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 86_400)
      .default(86_400),
  })
  .meta({ id: 'WebhookRotate' });

/**
 * Input of `owner.webhooks.rotateSecret()`.
 *
 * @example
 * ```ts
 * import type { WebhookRotate } from '@expense-tracker/core';
 *
 * const rotate: WebhookRotate = { graceSeconds: 3600 };
 * ```
 */
export type WebhookRotate = z.input<typeof webhookRotateSchema>;

/** An endpoint as events name it. */
const endpointRefSchema = z.object({ id: idSchema, url: z.string() });

/**
 * `data` of `webhook.message.dead`: a message was given up after its last attempt.
 *
 * @example
 * ```ts
 * tracker.on('webhook.message.dead', (event) => console.log(event.data.endpoint.url, event.data.message.lastError));
 * ```
 */
export const webhookMessageDeadDataSchema = z
  .object({ endpoint: endpointRefSchema, message: webhookMessageSchema })
  .meta({ id: 'WebhookMessageDeadData' });

/**
 * `data` of `webhook.endpoint.disabled`: the receiver answered 410 Gone.
 *
 * @example
 * ```ts
 * tracker.on('webhook.endpoint.disabled', (event) => console.log(event.data.endpoint.url, event.data.reason));
 * ```
 */
export const webhookEndpointDisabledDataSchema = z
  .object({ endpoint: endpointRefSchema, reason: z.enum(['gone']), status: z.int() })
  .meta({ id: 'WebhookEndpointDisabledData' });
