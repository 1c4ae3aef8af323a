#!/usr/bin/env node
import type { Server } from 'node:http';
import { isPostgresUrl, Tracker } from '@expense-tracker/core';
import { pino } from 'pino';
import { createApp, createAppServer, dueWorkOf, migrateServer } from './app.js';
import { ConfigError, loadConfig } from './config.js';

/**
 * Starts the server from the environment (and `.env`): validates the configuration, opens
 * and migrates the database, listens, and shuts down cleanly on SIGTERM/SIGINT (stop
 * accepting, finish in-flight requests, close sockets with 1001, close the database).
 */
export async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, { loadDotEnv: true });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = pino({ level: config.logLevel, base: { service: 'expense-tracker' } });
  const tracker = await Tracker.open({
    database: config.databaseUrl,
    // Several instances may share a PostgreSQL database: each one's sockets must get the
    // events every instance commits (LISTEN/NOTIFY on the outbox). SQLite is single-instance.
    listen: isPostgresUrl(config.databaseUrl),
    onError: (error, context) => logger.error({ err: error, source: context.source }, 'background error'),
    // Without keys the server still starts (a fresh clone needs no configuration): creating a
    // webhook endpoint is then a 503 that names WEBHOOK_ENCRYPTION_KEYS.
    webhooks: {
      encryptionKeys: config.webhookEncryptionKeys,
      allowPrivateAddresses: config.webhookAllowPrivateAddresses,
      timeoutMs: config.webhookTimeoutMs,
      leaseMs: config.webhookLeaseMs,
    },
  });
  await tracker.migrate();
  await migrateServer({ tracker });
  const app = createApp({
    tracker,
    jwtSecret: config.jwtSecret,
    accessTokenTtl: config.accessTokenTtl,
    refreshTokenTtl: config.refreshTokenTtl,
    corsOrigins: config.corsOrigins,
    logger,
    scryptLogN: config.scryptLogN,
    trustProxy: config.trustProxy,
    exports: { maxPerUser: config.exportsPerUser, idleTimeoutMs: config.exportIdleTimeout * 1000 },
    dueWork: { intervalMs: config.dueWorkIntervalMs },
  });
  // A client that trickles its headers or body is cut off (408) instead of holding a
  // connection, and so is one that connects and sends nothing. Node enforces the two timeouts
  // only when it sweeps its connections (every 30 s by default, so a 10 s limit could hold for
  // 40 s): the sweep runs every second. slow-clients.test.ts holds all of this to account.
  const server: Server = createAppServer(app, {
    headersTimeout: config.headersTimeout * 1000,
    requestTimeout: config.requestTimeout * 1000,
    keepAliveTimeout: config.keepAliveTimeout * 1000,
    connectionsCheckingInterval: Math.min(1000, (config.headersTimeout * 1000) / 4),
  });
  server.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    {
      url: `http://${config.host}:${port}`,
      docs: `http://${config.host}:${port}/docs`,
      database: config.databaseUrl.replace(/\/\/[^@]*@/, '//***@'),
    },
    'listening',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    for (const client of app.ws.server?.clients ?? []) client.close(1001, 'Server shutting down');
    server.close();
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), 10_000).unref();
    await new Promise<void>((resolve) => server.once('close', resolve));
    clearTimeout(force);
    await dueWorkOf(app)?.close(); // the run in flight finishes; its claims would otherwise wait out their lease
    await tracker.close();
    logger.info('stopped');
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

await main();
