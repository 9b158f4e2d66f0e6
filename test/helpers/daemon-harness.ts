// The whole daemon over real TCP against a simulated FreeSWITCH: users 200-202 and an admin (from
// http.ts), their phones registered in the simulator, the conferences' extensions in its dialplan.
// Integration tests of the ESL side (commands, click-to-call, live state, health) start one of these.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config.js';
import { startDaemon, type Daemon, type DaemonOptions } from '../../src/daemon.js';
import { newConference } from '../../src/domain/conferences.js';
import { newUser } from '../../src/domain/users.js';
import type { AuthOptions } from '../../src/http/auth.js';
import { createLogger, type Logger } from '../../src/log.js';
import type { Reachability, SimUser } from '../../src/sim/model/config.js';
import type { RecordingSink } from '../../src/sim/model/context.js';
import {
  startSimulatedFreeswitch,
  type SimulatedFreeswitch,
  type SimulatedFreeswitchOptions,
} from '../../src/sim/start.js';
import { JsonFileStore, STORE_FILE_NAME } from '../../src/store/json-file-store.js';
import { STORE_FORMAT, STORE_VERSION } from '../../src/store/records.js';
import { eventually } from './eventually.js';
import { basic, CONFERENCES, PASSWORDS, TEST_DOMAIN, TEST_SCRYPT, USERS } from './http.js';

export { CONFERENCES, PASSWORDS, TEST_DOMAIN, USERS };

/** Where each test user's phone is registered in the simulator. */
export const PHONES: Record<string, string> = {
  '200': '127.0.0.1:5200',
  '201': '127.0.0.1:5201',
  '202': '127.0.0.1:5202',
};

export interface HarnessOptions {
  /** Extra environment for loadConfig (e.g. ESL_TIMEOUT_MS). */
  env?: Record<string, string>;
  /** Reachability of the phones; default: each answers after 50 ms. */
  reachability?: Record<string, Reachability>;
  /** Auth tuning (a fake clock for nonces, limits). */
  auth?: Partial<AuthOptions>;
  /** Simulator heartbeat and shutdown timing (default: FreeSWITCH's 20 s heartbeat, instant shutdown). */
  sim?: Pick<SimulatedFreeswitchOptions, 'heartbeatMs' | 'shutdownDelayMs'>;
  /** The daemon's ESL liveness tuning (default: the production deadlines). */
  eslLiveness?: DaemonOptions['eslLiveness'];
  /** Writes the simulator's conference recordings (recording tests). */
  recordingSink?: RecordingSink;
}

export interface Harness {
  daemon: Daemon;
  sim: SimulatedFreeswitch;
  config: Config;
  url: string;
  logs: string[];
  /** Authenticated request as one of USERS' keys (or none). */
  request(
    method: string,
    path: string,
    options?: { as?: keyof typeof USERS; json?: boolean; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  /** Resolves when every node is connected and synced (or rejects after `ms`). */
  waitSynced(ms?: number): Promise<void>;
  /** Polls `check` until it returns true (or throws after `ms`). */
  eventually(check: () => boolean | Promise<boolean>, ms?: number): Promise<void>;
  close(): Promise<void>;
}

/** The simulator's directory and reachability for the test users' phones (each answers after 50 ms). */
export function phoneTables(): {
  users: Record<string, SimUser>;
  reachability: Record<string, Reachability>;
} {
  const users: Record<string, SimUser> = {};
  const reachability: Record<string, Reachability> = {};
  for (const [user, contact] of Object.entries(PHONES)) {
    users[user] = { contact };
    reachability[contact] = { kind: 'answer', afterMs: 50 };
  }
  return { users, reachability };
}

/** A temporary DATA_DIR holding a store file with the test users and conferences. */
export async function seededDataDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const storeUsers = await Promise.all(
    Object.values(USERS).map((u) => newUser(u, { sipDomain: TEST_DOMAIN, scrypt: TEST_SCRYPT })),
  );
  const file = {
    format: STORE_FORMAT,
    version: STORE_VERSION,
    users: storeUsers,
    conferences: Object.values(CONFERENCES).map((c) => newConference(c)),
  };
  await writeFile(join(dir, STORE_FILE_NAME), JSON.stringify(file), { mode: 0o600 });
  return dir;
}

/** A debug logger whose lines are kept, so tests can check what reached the log. */
export function capturedLogger(): { logger: Logger; logs: string[] } {
  const logs: string[] = [];
  const logger = createLogger(
    'debug',
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString());
        done();
      },
    }),
  );
  return { logger, logs };
}

/** A request to the daemon, authenticated as one of USERS when `as` is given, JSON body if any. */
export function daemonRequest(
  baseUrl: string,
  method: string,
  path: string,
  opts: { as?: keyof typeof USERS; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.as) headers['Authorization'] = basic(USERS[opts.as].userName, USERS[opts.as].password);
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  return fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const { users, reachability } = phoneTables();
  const dialplan = Object.fromEntries(
    Object.values(CONFERENCES).map((c) => [
      c.extension,
      { kind: 'conference' as const, name: c.name, profile: 'default' },
    ]),
  );
  const sim = await startSimulatedFreeswitch({
    domain: TEST_DOMAIN,
    users,
    reachability: { ...reachability, ...options.reachability },
    dialplan,
    ...options.sim,
    ...(options.recordingSink ? { recordingSink: options.recordingSink } : {}),
  });

  const dir = await seededDataDir('daemon-test-');
  const { logger, logs } = capturedLogger();
  const config = loadConfig({
    HTTP_PORT: '1', // replaced below: port 0 is not a valid HTTP_PORT for operators
    FS_ESL: sim.eslUrl,
    FS_DOMAIN: TEST_DOMAIN,
    DATA_DIR: dir,
    ESL_TIMEOUT_MS: '3000',
    ...options.env,
  });
  config.httpPort = 0;
  const store = await JsonFileStore.open(dir);
  const daemon = await startDaemon({
    config,
    logger,
    store,
    app: { passwordScrypt: TEST_SCRYPT, ...(options.auth ? { auth: options.auth } : {}) },
    eslBackoff: { initialMs: 20, maxMs: 200 },
    ...(options.eslLiveness ? { eslLiveness: options.eslLiveness } : {}),
  });

  const harness: Harness = {
    daemon,
    sim,
    config,
    url: daemon.url,
    logs,
    request: (method, path, opts = {}) =>
      daemonRequest(daemon.url, method, path, {
        ...opts,
        headers: { ...opts.headers, ...(opts.json ? { Accept: 'application/json' } : {}) },
      }),
    waitSynced: (ms = 5000) =>
      eventually(() => [...daemon.syncs.values()].every((s) => s.status === 'synced'), ms),
    eventually,
    close: async () => {
      await daemon.stop();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}
