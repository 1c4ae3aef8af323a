import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { systemClock, type Clock } from '../clock.js';
import { checkAddress } from './address-policy.js';
import { readCapped } from './capped-body.js';
import { parseRetryAfter } from './retry-after.js';

/**
 * One address a host name resolves to, as `dns.lookup` gives it.
 *
 * @example
 * ```ts
 * import type { ResolvedAddress } from '@expense-tracker/core';
 *
 * const address: ResolvedAddress = { address: '93.184.215.14', family: 4 };
 * ```
 */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/**
 * Resolves a host name to its addresses. The default is the system resolver (`dns.lookup`).
 *
 * @example
 * ```ts
 * import { Tracker, type ResolveHost } from '@expense-tracker/core';
 *
 * // Receivers on a private network, resolved from the app's own table.
 * const hosts = new Map([['ledger.internal', '10.0.4.7']]);
 * const resolve: ResolveHost = async (hostname) => {
 *   const address = hosts.get(hostname);
 *   return address ? [{ address, family: 4 }] : [];
 * };
 * const internal = await Tracker.open({ database: ':memory:', webhooks: { resolve, allowPrivateAddresses: true } });
 * ```
 */
export type ResolveHost = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/**
 * Options of `createDeliverer`.
 */
export interface DelivererOptions {
  /**
   * Let requests reach loopback, private, link-local, CGNAT and other non-public addresses
   * (never the cloud metadata addresses): for an operator whose receivers are on a private
   * network, and for tests.
   * @default false
   */
  allowPrivate?: boolean;
  /** How host names are resolved; tests inject one rather than touch the real DNS. @default dns.lookup */
  resolve?: ResolveHost;
  /** Where `Retry-After` dates are measured from. @default systemClock */
  clock?: Clock;
  /** The most response-body bytes read; the rest is dropped with the connection. @default 16384 */
  maxResponseBytes?: number;
  /** The longest a TCP (and TLS) connect may take, within the whole attempt's timeout. @default 10000 */
  connectTimeoutMs?: number;
}

/**
 * One request to deliver: a POST of `body` with `headers`, abandoned after `timeoutMs` in all.
 *
 * @example
 * ```ts
 * import type { DeliveryRequest } from '@expense-tracker/core';
 *
 * const request: DeliveryRequest = { headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: 15_000 };
 * ```
 */
export interface DeliveryRequest {
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/**
 * Why an attempt got no usable response:
 *
 * - `invalid_url` — not an absolute `http:`/`https:` URL without credentials;
 * - `blocked_address` — the host is, or resolves to, an address the policy refuses;
 * - `unresolvable` — the host name does not resolve;
 * - `timeout` — no complete response within `timeoutMs` (connect included);
 * - `redirect` — a 3xx: redirects are not followed, since one could point anywhere;
 * - `network` — the connection failed or broke (refused, reset, TLS error).
 *
 * @example
 * ```ts
 * import type { DeliveryFailureReason } from '@expense-tracker/core';
 *
 * const permanent = (reason: DeliveryFailureReason) => reason === 'invalid_url' || reason === 'blocked_address';
 * ```
 */
export type DeliveryFailureReason =
  'invalid_url' | 'blocked_address' | 'unresolvable' | 'timeout' | 'redirect' | 'network';

/**
 * What one attempt came to. A `response` is any status but 3xx; whether it counts as
 * delivered (2xx), as "stop" (410) or as a failure to retry is the caller's policy.
 * `retryAfter` is the `Retry-After` header in seconds from the clock's now, or `null`.
 *
 * @example
 * ```ts
 * import type { DeliveryOutcome } from '@expense-tracker/core';
 *
 * const describe = (outcome: DeliveryOutcome) =>
 *   outcome.kind === 'response' ? `answered ${outcome.status}` : `${outcome.reason}: ${outcome.message}`;
 * ```
 */
export type DeliveryOutcome =
  | { kind: 'response'; status: number; retryAfter: number | null; body: string }
  | { kind: 'failure'; reason: DeliveryFailureReason; message: string; status?: number; retryAfter?: number | null };

/**
 * Sends webhook requests; `createDeliverer` makes the SSRF-safe one a tracker uses. Give
 * `createWebhookDispatcher` another to send through a proxy of yours, or to record in tests.
 *
 * @example
 * ```ts
 * import { createWebhookDispatcher, type Deliverer } from '@expense-tracker/core';
 *
 * // A deliverer that answers 204 without sending anything (a dry run).
 * const dryRun: Deliverer = {
 *   deliver: async () => ({ kind: 'response', status: 204, retryAfter: null, body: '' }),
 *   close: async () => undefined,
 * };
 * await createWebhookDispatcher({ tracker, deliverer: dryRun }).dispatchDue();
 * ```
 */
export interface Deliverer {
  /** POSTs one request and reports the outcome; it never throws for what the network or the receiver does. */
  deliver(url: string, request: DeliveryRequest): Promise<DeliveryOutcome>;
  /** Closes the pooled connections. */
  close(): Promise<void>;
}

/** Raised inside the connect step when a resolved address is refused, to be told apart from network errors. */
class BlockedAddressError extends Error {
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly range: string,
  ) {
    super(`${hostname} resolves to ${address} (${range}), which webhooks may not reach`);
  }
}

/** Raised inside the connect step when a host name has no address. */
class UnresolvableHostError extends Error {}

/**
 * An SSRF-safe sender of webhook requests (SPEC §7.5), on an undici `Agent` of its own.
 *
 * The address check happens in the connect step itself: the agent's `lookup` resolves the
 * host once per connection, refuses it if any address it resolves to is refused by
 * {@link checkAddress}, and hands the socket the address it checked, so DNS cannot answer
 * differently between the check and the connect (rebinding). An IP-literal host, which
 * sockets connect to without a lookup, is checked before the request. No redirect is
 * followed, one deadline covers connect, headers and body, and at most `maxResponseBytes`
 * of the body are read.
 *
 * @example
 * ```ts
 * import { createDeliverer } from './webhooks.js'; // internal to core for now
 *
 * const deliverer = createDeliverer();
 * const outcome = await deliverer.deliver('https://hooks.example.com/expenses', {
 *   headers: { 'content-type': 'application/json' },
 *   body: '{"type":"expense.created"}',
 *   timeoutMs: 15_000,
 * });
 * if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300) console.log('delivered');
 * else if (outcome.kind === 'failure') console.log(outcome.reason, outcome.message); // e.g. 'blocked_address'
 * await deliverer.close();
 * ```
 */
export function createDeliverer(options: DelivererOptions = {}): Deliverer {
  const allowPrivate = options.allowPrivate ?? false;
  const resolve = options.resolve ?? defaultResolve;
  const clock = options.clock ?? systemClock;
  const maxBytes = options.maxResponseBytes ?? 16_384;
  const agent = new Agent({
    connect: { timeout: options.connectTimeoutMs ?? 10_000, lookup: checkedLookup(resolve, allowPrivate) },
  });

  return {
    async deliver(url, { headers, body, timeoutMs }) {
      const target = parseTarget(url);
      if (typeof target === 'string') return failure('invalid_url', target);
      if (isIP(target.host)) {
        const verdict = checkAddress(target.host, { allowPrivate });
        if (!verdict.allowed)
          return failure('blocked_address', `${verdict.address} (${verdict.range}) may not be reached by webhooks`);
      }
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      try {
        const response = await request(target.url, {
          dispatcher: agent,
          method: 'POST',
          headers: { 'user-agent': 'expense-tracker-webhooks', ...headers },
          body,
          signal: controller.signal,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        const text = await readCapped(response.body, maxBytes);
        const retryAfter = parseRetryAfter(single(response.headers['retry-after']), clock.now());
        if (response.statusCode >= 300 && response.statusCode < 400) {
          const location = single(response.headers.location) ?? 'nowhere';
          return {
            ...failure('redirect', `${response.statusCode} to ${location}: redirects are not followed`),
            status: response.statusCode,
            retryAfter,
          };
        }
        return { kind: 'response', status: response.statusCode, retryAfter, body: text };
      } catch (error) {
        return failureOf(error, controller.signal.aborted, timeoutMs);
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => agent.close(),
  };
}

/** The URL and its bare host (an IPv6 literal without brackets), or why it cannot be used. */
function parseTarget(text: string): { url: URL; host: string } | string {
  if (!URL.canParse(text)) return `${JSON.stringify(text)} is not an absolute URL`;
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `${url.protocol} URLs cannot receive webhooks; use https: (or http:)`;
  if (url.username !== '' || url.password !== '')
    return 'A webhook URL may not carry credentials: the signature authenticates the sender';
  return { url, host: url.hostname.replace(/^\[(.*)\]$/, '$1') };
}

/**
 * A `lookup` for the agent's sockets: resolve, refuse unless every address is allowed, then
 * answer with the first, the one checked. Node asks with `all: true` when it may try several
 * addresses (`autoSelectFamily`); it gets only the checked one either way.
 */
function checkedLookup(resolve: ResolveHost, allowPrivate: boolean): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const verdicts = addresses.map((entry) => checkAddress(entry.address, { allowPrivate }));
        const refused = verdicts.find((verdict) => !verdict.allowed);
        const [first] = verdicts;
        if (refused && !refused.allowed)
          return callback(new BlockedAddressError(hostname, refused.address, refused.range), '');
        if (!first) return callback(new UnresolvableHostError(`${hostname} has no address`), '');
        const family = isIP(first.address);
        if (lookupOptions.all) callback(null, [{ address: first.address, family }]);
        else callback(null, first.address, family);
      },
      (error: unknown) => callback(new UnresolvableHostError(`${hostname} does not resolve`, { cause: error }), ''),
    );
  };
}

const defaultResolve: ResolveHost = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** The typed failure of a request that threw: our own refusals first (wrapped or not), then the deadline. */
function failureOf(error: unknown, timedOut: boolean, timeoutMs: number): DeliveryOutcome {
  const blocked = findCause(error, BlockedAddressError);
  if (blocked) return failure('blocked_address', blocked.message);
  const unresolvable = findCause(error, UnresolvableHostError);
  if (unresolvable) return failure('unresolvable', unresolvable.message);
  if (timedOut) return failure('timeout', `No complete response within ${timeoutMs} ms`);
  return failure('network', error instanceof Error ? error.message : String(error));
}

/** `error` or the first of its causes that is a `type`. */
function findCause<T extends Error>(error: unknown, type: abstract new (...args: never[]) => T): T | null {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof type) return current;
  }
  return null;
}

function failure(reason: DeliveryFailureReason, message: string): DeliveryOutcome & { kind: 'failure' } {
  return { kind: 'failure', reason, message };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
