/**
 * Webhooks (SPEC §7.5): the building blocks of the dispatcher, with no tables yet. This is
 * the module's index, the names the rest of core imports; it is not called `index.ts`
 * because that name marks the package's entry points (STYLE.md, and public-surface.test.ts
 * counts them). The package root exports what an embedder uses (`createWebhookDispatcher`,
 * `owner.webhooks`' types and schemas, the `Deliverer` shape); the rest stays internal.
 */
export { checkAddress, type AddressVerdict } from './address-policy.js';
export {
  createDeliverer,
  type Deliverer,
  type DelivererOptions,
  type DeliveryFailureReason,
  type DeliveryOutcome,
  type DeliveryRequest,
  type ResolveHost,
  type ResolvedAddress,
} from './deliver.js';
export { parseRetryAfter } from './retry-after.js';
export {
  DEFAULT_RETRY_POLICY,
  nextRetry,
  retryCeiling,
  type RetryDecision,
  type RetryInput,
  type RetryPolicy,
} from './retry-schedule.js';
export {
  createSecretBox,
  type OpenedSecret,
  type SecretBox,
  type SecretBoxKey,
  type SecretBoxProblem,
} from './secret-box.js';
export {
  generateWebhookSecret,
  signWebhook,
  webhookSignature,
  type WebhookHeaders,
  type WebhookMessage,
} from './signing.js';
