/**
 * Vitest global setup: hands every test file a PostgreSQL server URL as `inject('pgUrl')`.
 *
 * `TEST_DATABASE_URL` wins when set. Otherwise a throwaway server is started from the
 * system's `initdb`/`pg_ctl` in a temp dir, on 127.0.0.1 and a free port, and stopped and
 * removed again in teardown. There is no skip: without PostgreSQL the run fails and says
 * what to install, because a suite that silently skips its database tests proves nothing.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

const run = promisify(execFile);

/** How many times to retry a start that lost its port to another process. */
const START_ATTEMPTS = 3;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('pgUrl', given);
    return async () => {};
  }
  const server = await startThrowawayPostgres();
  project.provide('pgUrl', server.url);
  return server.stop;
}

/** A PostgreSQL server started for one run, and how to stop it. */
export interface ThrowawayPostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  url: string;
  /** Stops the server and removes its files. */
  readonly stop: () => Promise<void>;
  /** Stops the server (fast shutdown: open connections are cut) and keeps its files, for fault tests. */
  halt(): Promise<void>;
  /** Starts a halted server again, on the same data and port. */
  resume(): Promise<void>;
}

/**
 * Starts a throwaway PostgreSQL from the system binaries in a temp dir, on 127.0.0.1 and a
 * free port (used by the test setup and by the benchmarks).
 */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = findPostgresBin();
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(join(tmpdir(), 'et-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  // PostgreSQL refuses to run as root, so as root everything runs as the `postgres` user.
  const pg = (tool: string, args: string[]) => {
    const [file, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]]
      : [join(bin, tool), args];
    return run(file, argv, { cwd: dir });
  };
  const stop = async () => {
    await pg('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w']).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  };

  try {
    if (asRoot) {
      const { uid, gid } = await postgresUser();
      await chown(dir, uid, gid);
    }
    await pg('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-locale', '-E', 'UTF8']);
    const port = await startOnFreePort(pg, dataDir, logFile, dir);
    const halt = async () => {
      await pg('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w']);
    };
    const resume = async () => {
      await pg('pg_ctl', ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', serverOptions(port, dir)]);
    };
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop, halt, resume };
  } catch (error) {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    await stop();
    throw new Error(
      `Could not start a throwaway PostgreSQL from ${bin}: ${describe(error)}${log ? `\n--- server log ---\n${log}` : ''}`,
      { cause: error },
    );
  }
}

type PgRunner = (tool: string, args: string[]) => Promise<unknown>;

/** Starts the server, retrying with a new port if another process took the one we picked. */
async function startOnFreePort(pg: PgRunner, dataDir: string, logFile: string, socketDir: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      await pg('pg_ctl', [
        'start',
        '-D',
        dataDir,
        '-l',
        logFile,
        '-w',
        '-t',
        '60',
        '-o',
        serverOptions(port, socketDir),
      ]);
      return port;
    } catch (error) {
      if (attempt >= START_ATTEMPTS) throw error;
    }
  }
}

/** The server's options for `pg_ctl start -o` (handed to a shell, hence the quoted socket dir). */
function serverOptions(port: number, socketDir: string): string {
  return [
    '-h 127.0.0.1',
    `-p ${port}`,
    `-k '${socketDir}'`,
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
  ].join(' ');
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('The OS did not report a port'));
      });
    });
  });
}

/** `PG_BIN`, else the newest `/usr/lib/postgresql/<version>/bin`, else the directory on PATH holding both tools. */
function findPostgresBin(): string {
  const hasTools = (dir: string) =>
    ['initdb', 'pg_ctl'].every((tool) => {
      try {
        accessSync(join(dir, tool), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });

  const fromEnv = process.env.PG_BIN;
  if (fromEnv) {
    if (hasTools(fromEnv)) return fromEnv;
    throw new Error(`PG_BIN=${fromEnv} does not contain executable initdb and pg_ctl.`);
  }
  const versions = safeReaddir('/usr/lib/postgresql')
    .filter((name) => /^\d+(\.\d+)?$/.test(name))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  for (const version of versions) {
    const dir = `/usr/lib/postgresql/${version}/bin`;
    if (hasTools(dir)) return dir;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && hasTools(dir)) return dir;
  }
  throw new Error(
    'The tests need PostgreSQL, and no initdb/pg_ctl was found (looked at PG_BIN, /usr/lib/postgresql/*/bin, PATH). ' +
      'Install it (`apt-get install postgresql`), point PG_BIN at its bin directory, ' +
      'or set TEST_DATABASE_URL to a server the tests may create and drop databases on.',
  );
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch (error) {
    throw new Error(
      'Running as root needs a `postgres` OS user to own the server (installed with `apt-get install postgresql`).',
      { cause: error },
    );
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function describe(error: unknown): string {
  if (
    error &&
    typeof error === 'object' &&
    'stderr' in error &&
    typeof error.stderr === 'string' &&
    error.stderr.trim()
  ) {
    return error.stderr.trim();
  }
  return error instanceof Error ? error.message : String(error);
}
