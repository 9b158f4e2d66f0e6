// Two whole daemons (startDaemon, in this process) on one PostgreSQL database and one simulated
// FreeSWITCH, as behind a load balancer: the test users and conferences are copied in first, each
// daemon opens the store from DATABASE_URL as in production.
import { loadConfig } from '../../src/config.js';
import { startDaemon, type Daemon } from '../../src/daemon.js';
import { newConference } from '../../src/domain/conferences.js';
import { newUser } from '../../src/domain/users.js';
import { startSimulatedFreeswitch, type SimulatedFreeswitch } from '../../src/sim/start.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import {
  capturedLogger,
  CONFERENCES,
  daemonRequest,
  phoneTables,
  TEST_DOMAIN,
  USERS,
} from './daemon-harness.js';
import { eventually } from './eventually.js';
import { TEST_SCRYPT } from './http.js';

export interface DaemonPair {
  a: Daemon;
  b: Daemon;
  sim: SimulatedFreeswitch;
  logs: { a: string[]; b: string[] };
  request(
    daemon: Daemon,
    method: string,
    path: string,
    options?: { as?: keyof typeof USERS; body?: unknown },
  ): Promise<Response>;
  waitSynced(): Promise<void>;
  close(): Promise<void>;
}

/** Copies the test users and conferences into the (empty) database at `url`. */
export async function seedDatabase(url: string): Promise<void> {
  const store = await PostgresStore.open({ url });
  try {
    const users = await Promise.all(
      Object.values(USERS).map((u) => newUser(u, { sipDomain: TEST_DOMAIN, scrypt: TEST_SCRYPT })),
    );
    await store.importAll(
      users,
      Object.values(CONFERENCES).map((c) => newConference(c)),
    );
  } finally {
    await store.close();
  }
}

export async function startDaemonPair(
  databaseUrl: string,
  env: Record<string, string> = {},
  /** Where A finds the database, if not at databaseUrl (a proxy the test can cut). */
  databaseUrlOfA = databaseUrl,
): Promise<DaemonPair> {
  await seedDatabase(databaseUrl);
  const { users, reachability } = phoneTables();
  const dialplan = Object.fromEntries(
    Object.values(CONFERENCES).map((c) => [
      c.extension,
      { kind: 'conference' as const, name: c.name, profile: 'default' },
    ]),
  );
  const sim = await startSimulatedFreeswitch({ domain: TEST_DOMAIN, users, reachability, dialplan });
  const start = async (url: string) => {
    const { logger, logs } = capturedLogger();
    const config = loadConfig({
      HTTP_PORT: '1',
      FS_ESL: sim.eslUrl,
      FS_DOMAIN: TEST_DOMAIN,
      DATABASE_URL: url,
      ESL_TIMEOUT_MS: '3000',
      ...env,
    });
    config.httpPort = 0;
    const daemon = await startDaemon({
      config,
      logger,
      app: { passwordScrypt: TEST_SCRYPT },
      eslBackoff: { initialMs: 20, maxMs: 200 },
    });
    return { daemon, logs };
  };
  const [a, b] = await Promise.all([start(databaseUrlOfA), start(databaseUrl)]);
  return {
    a: a.daemon,
    b: b.daemon,
    sim,
    logs: { a: a.logs, b: b.logs },
    request: (daemon, method, path, options = {}) =>
      daemonRequest(daemon.url, method, path, { ...options, headers: { Accept: 'application/json' } }),
    waitSynced: async () => {
      await eventually(() =>
        [a.daemon, b.daemon].every((d) => [...d.syncs.values()].every((s) => s.status === 'synced')),
      );
    },
    close: async () => {
      await Promise.all([a.daemon.stop(), b.daemon.stop()]);
      await sim.close();
    },
  };
}
