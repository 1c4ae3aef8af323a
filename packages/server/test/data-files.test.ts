import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { processUser, startServerProcess, type ServerProcess } from './support/process.js';

/**
 * The server's files are its owner's alone (issue 11, finding 8): the SQLite database with
 * its -wal and -shm files was created 0644 (world-readable) while the JWT secret beside it
 * was 0600. Checked under the usual umask, 022, which let 0644 through.
 */
const dirs: string[] = [];
const processes: ServerProcess[] = [];
afterAll(async () => {
  for (const p of processes) p.child.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.exited));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('data files', () => {
  it('outside production, the data directory made for the generated JWT secret is 0700 and the secret 0600', () => {
    const previous = process.umask(0o022);
    try {
      const base = mkdtempSync(join(tmpdir(), 'et-data-'));
      dirs.push(base);
      const dataDir = join(base, 'data');
      loadConfig({ DATA_DIR: dataDir });
      expect([mode(dataDir), mode(join(dataDir, 'jwt-secret'))]).toEqual(['700', '600']);
    } finally {
      process.umask(previous);
    }
  });

  it('a server process over a new SQLite file creates it, its -wal and -shm files 0600 and its directory 0700', async () => {
    const base = mkdtempSync(join(tmpdir(), 'et-data-'));
    dirs.push(base);
    const path = join(base, 'data', 'tracker.db');
    const previous = process.umask(0o022); // the child inherits it
    let server: ServerProcess;
    try {
      server = await startServerProcess(`sqlite:${path}`);
    } finally {
      process.umask(previous);
    }
    processes.push(server);
    const { token } = await processUser(server, 'file-owner');
    expect((await server.request('POST', '/expenses', { token, body: { amount: '1.00' } })).status).toBe(201);
    expect([mode(path), mode(`${path}-wal`), mode(`${path}-shm`), mode(join(base, 'data'))]).toEqual([
      '600',
      '600',
      '600',
      '700',
    ]);
  });
});
