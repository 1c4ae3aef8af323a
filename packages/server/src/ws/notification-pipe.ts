import type { Follower, OwnerHandle, TrackerEvent } from '@expense-tracker/core';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import { NOTIFICATION_TYPES, type NotificationMessage } from './notification-message.js';

const FORWARDED: ReadonlySet<string> = new Set(NOTIFICATION_TYPES);
/** How often a paced replay looks at the socket's queue. */
const DRAIN_POLL_MS = 10;

/** Options of {@link pipeNotifications}. */
export interface NotificationPipeOptions {
  /** Replay the feed after this seq first; `null`: start from now. */
  after: number | null;
  /** Above this many bytes queued on the socket, the client is too slow and is dropped. */
  maxBufferedBytes: number;
  logger: Logger;
}

/**
 * Pipes one owner's events to a socket: core's `owner.follow` replays the change feed and
 * goes live, each event once and in seq order (gaps filled from the feed); the pipe only
 * forwards the notification types, paces a replay to what the client reads, drops a client
 * that lets more than `maxBufferedBytes` queue up, and closes with 1011 when the feed
 * cannot be read. Never throws.
 *
 * @returns the follower, or `null` when it could not start (the socket is then closed)
 */
export async function pipeNotifications(
  socket: WebSocket,
  owner: OwnerHandle,
  options: NotificationPipeOptions,
): Promise<Follower | null> {
  const { maxBufferedBytes, logger } = options;
  let lastSeq: number | null = options.after;
  const fail = (error: unknown) => {
    logger.error({ err: error, owner: owner.ownerId, lastSeq }, 'notification replay failed');
    if (socket.readyState === WebSocket.OPEN) socket.close(1011, 'Server error; reconnect with ?after=<last seq>');
  };
  try {
    return await owner.follow({
      after: options.after,
      deliver: (event) => {
        lastSeq = event.seq;
        send(socket, event, maxBufferedBytes, logger, owner.ownerId);
      },
      // A long backlog to a healthy but distant client is paced, not mistaken for a slow
      // consumer. A client that stops reading stops answering pings too, and is terminated for that.
      ready: async () => {
        while (socket.readyState === WebSocket.OPEN && socket.bufferedAmount > maxBufferedBytes / 2)
          await sleep(DRAIN_POLL_MS);
        return socket.readyState === WebSocket.OPEN;
      },
      onError: fail,
      onGap: (seq, held) =>
        logger.warn({ owner: owner.ownerId, lastSeq: seq, held }, 'notification feed gap left unfilled'),
    });
  } catch (error) {
    fail(error);
    return null;
  }
}

/** Sends one event when its type is forwarded; terminates a client with too much queued. */
function send(socket: WebSocket, event: TrackerEvent, maxBufferedBytes: number, logger: Logger, ownerId: string): void {
  if (!FORWARDED.has(event.type) || socket.readyState !== WebSocket.OPEN) return;
  // What the kernel has not taken yet: a client that does not read lets it grow without bound.
  const buffered = socket.bufferedAmount;
  if (buffered > maxBufferedBytes) {
    logger.warn(
      { owner: ownerId, buffered, limit: maxBufferedBytes, seq: event.seq },
      'notification socket too slow: dropped',
    );
    socket.terminate();
    return;
  }
  const message = { type: event.type, seq: event.seq, at: event.at, data: event.data } as NotificationMessage;
  socket.send(JSON.stringify(message));
}
