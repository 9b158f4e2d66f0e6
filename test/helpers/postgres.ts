// PostgreSQL for the tests of the shared store. With TEST_DATABASE_URL (what .ci/run exports) each
// test gets a fresh database on that server; otherwise a throwaway cluster is started from Debian's
// binaries (/usr/lib/postgresql/<version>/bin, or PG_BIN) in a temp directory on 127.0.0.1, as the
// `postgres` user when running as root (initdb refuses root), and removed afterwards.
// In CI (CI set, see requirements.ts) these tests always run and FAIL when neither is there. On a developer's machine
// without PostgreSQL they are reported as not run: `npm test` needs nothing but Node and npm.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { requirementMet } from './requirements.js';

const run = promisify(execFile);

/** initdb and pg_ctl from PG_BIN or the newest /usr/lib/postgresql/<version>/bin. */
export function postgresBinaries(): string | undefined {
  const fromEnv = process.env['PG_BIN'];
  if (fromEnv) return existsSync(join(fromEnv, 'initdb')) ? fromEnv : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

const MISSING =
  'PostgreSQL not found: install it (apt-get install -y postgresql; .ci/run does), set PG_BIN to its bin directory, or set TEST_DATABASE_URL';

/** Whether the PostgreSQL tests run here; they always do in CI (and fail there without PostgreSQL). */
export function postgresTestsRun(what: string): boolean {
  const available = process.env['TEST_DATABASE_URL'] !== undefined || postgresBinaries() !== undefined;
  return requirementMet(what, available, MISSING);
}

export interface TestPostgres {
  /** A new, empty database; its URL. */
  freshDatabase(): Promise<string>;
  /** The server's address (for a proxy in front of it). */
  host: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The server these tests use: `url` (default TEST_DATABASE_URL), or a cluster of our own. Throws when
 * neither. `durable`: our cluster fsyncs its commits as a production server does (the benchmarks);
 * tests skip that.
 */
export async function startTestPostgres(
  options: { url?: string | undefined; durable?: boolean } = {},
): Promise<TestPostgres> {
  const given = 'url' in options ? options.url : process.env['TEST_DATABASE_URL'];
  if (given) return onServer(given, async () => undefined);
  const bin = postgresBinaries();
  if (!bin) throw new Error(MISSING);
  const cluster = await startCluster(bin, options.durable ?? false);
  return onServer(cluster.url, cluster.stop);
}

function onServer(adminUrl: string, stop: () => Promise<void>): TestPostgres {
  const created: string[] = [];
  const url = new URL(adminUrl);
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    freshDatabase: async () => {
      const name = `fsconfd_test_${process.pid}_${created.length}_${Math.random().toString(36).slice(2, 8)}`;
      await admin((c) => c.query(`CREATE DATABASE ${name}`));
      created.push(name);
      const db = new URL(adminUrl);
      db.pathname = `/${name}`;
      return db.toString();
    },
    close: async () => {
      await admin(async (c) => {
        for (const name of created) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }).catch(() => undefined);
      await stop();
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** initdb into a temp dir and pg_ctl start on 127.0.0.1 (as `postgres` when we are root). */
async function startCluster(
  bin: string,
  durable: boolean,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'fs-confd-pg-'));
  const asRoot = process.getuid?.() === 0;
  const exec = (cmd: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]) : run(join(bin, cmd), args);
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(dir, 'data');
  await exec('initdb', [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'postgres',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  const port = await freePort();
  const options = `-k ${dir} -h 127.0.0.1 -p ${port} -c max_connections=200${durable ? '' : ' -F'}`;
  await exec('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', options, 'start']);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
