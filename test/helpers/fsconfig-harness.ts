// The daemon with its fsconfig listener and a simulated FreeSWITCH whose dialplan has no conference
// extensions: calls to them are routed by what the simulator's mod_xml_curl fetches from the daemon.
// Users 200-202 and an admin (http.ts), their phones registered; the conferences of http.ts in the store.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config.js';
import { startDaemon, type Daemon } from '../../src/daemon.js';
import { newConference } from '../../src/domain/conferences.js';
import { newUser } from '../../src/domain/users.js';
import { createLogger } from '../../src/log.js';
import type { Reachability, SimUser } from '../../src/sim/model/config.js';
import { createSimIdentity } from '../../src/sim/model/identity.js';
import { startSimulatedFreeswitch, type SimulatedFreeswitch } from '../../src/sim/start.js';
import { XmlCurlClient } from '../../src/sim/xml-curl.js';
import { JsonFileStore, STORE_FILE_NAME } from '../../src/store/json-file-store.js';
import { STORE_FORMAT, STORE_VERSION } from '../../src/store/records.js';
import { PHONES } from './daemon-harness.js';
import { basic, CONFERENCES, TEST_DOMAIN, TEST_SCRYPT, USERS } from './http.js';

export const FSCONFIG_SECRET = 'fsconfig-test-secret-0123456789';

export interface FsconfigHarness {
  daemon: Daemon;
  sim: SimulatedFreeswitch;
  xmlCurl: XmlCurlClient;
  config: Config;
  logs: string[];
  request(
    method: string,
    path: string,
    options?: { as?: keyof typeof USERS; body?: unknown },
  ): Promise<Response>;
  eventually(check: () => boolean | Promise<boolean>, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFsconfigHarness(): Promise<FsconfigHarness> {
  const users: Record<string, SimUser> = {};
  const reachability: Record<string, Reachability> = {};
  for (const [user, contact] of Object.entries(PHONES)) {
    users[user] = { contact };
    reachability[contact] = { kind: 'answer', afterMs: 50 };
  }
  const identity = createSimIdentity();
  const xmlCurl = new XmlCurlClient(identity);
  const sim = await startSimulatedFreeswitch({
    domain: TEST_DOMAIN,
    identity,
    users,
    reachability,
    dialplan: {},
    extensionLookup: xmlCurl.extensionLookup,
    joinHooks: xmlCurl.joinHooks,
  });

  const dir = await mkdtemp(join(tmpdir(), 'fsconfig-test-'));
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
  const config = loadConfig({
    FS_ESL: sim.eslUrl,
    FS_DOMAIN: TEST_DOMAIN,
    DATA_DIR: dir,
    ESL_TIMEOUT_MS: '3000',
    FSCONFIG_SECRET,
  });
  config.httpPort = 0;
  config.fsconfig = { ...config.fsconfig!, port: 0 };
  const daemon = await startDaemon({
    config,
    logger,
    store: await JsonFileStore.open(dir),
    app: { passwordScrypt: TEST_SCRYPT },
    eslBackoff: { initialMs: 20, maxMs: 200 },
  });
  xmlCurl.bind({ url: daemon.fsconfigUrl!, credentials: `freeswitch:${FSCONFIG_SECRET}` });

  const eventually = async (check: () => boolean | Promise<boolean>, ms = 5000) => {
    const end = Date.now() + ms;
    for (;;) {
      if (await check()) return;
      if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  await eventually(() => [...daemon.syncs.values()].every((s) => s.status === 'synced'));

  return {
    daemon,
    sim,
    xmlCurl,
    config,
    logs,
    request: (method, path, opts = {}) => {
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (opts.as) headers['Authorization'] = basic(USERS[opts.as].userName, USERS[opts.as].password);
      let body: string | undefined;
      if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['Content-Type'] = 'application/json';
      }
      return fetch(`${daemon.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    },
    eventually,
    close: async () => {
      await daemon.stop();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
