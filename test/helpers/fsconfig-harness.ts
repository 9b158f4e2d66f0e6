// The daemon with its fsconfig listener and a simulated FreeSWITCH whose dialplan has no conference
// extensions: calls to them are routed by what the simulator's mod_xml_curl fetches from the daemon.
// Users 200-202 and an admin (http.ts), their phones registered; the conferences of http.ts in the store.
import { rm } from 'node:fs/promises';
import { loadConfig, type Config } from '../../src/config.js';
import { startDaemon, type Daemon } from '../../src/daemon.js';
import { createSimIdentity } from '../../src/sim/model/identity.js';
import { startSimulatedFreeswitch, type SimulatedFreeswitch } from '../../src/sim/start.js';
import { XmlCurlClient } from '../../src/sim/xml-curl.js';
import type { ExtendedMemberDetails } from '../../src/state/conference-details.js';
import { JsonFileStore } from '../../src/store/json-file-store.js';
import { capturedLogger, daemonRequest, phoneTables, seededDataDir } from './daemon-harness.js';
import { eventually } from './eventually.js';
import { TEST_DOMAIN, TEST_SCRYPT, type USERS } from './http.js';

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
  const { users, reachability } = phoneTables();
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

  const dir = await seededDataDir('fsconfig-test-');
  const { logger, logs } = capturedLogger();
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
  await eventually(() => [...daemon.syncs.values()].every((s) => s.status === 'synced'));

  return {
    daemon,
    sim,
    xmlCurl,
    config,
    logs,
    request: (method, path, opts = {}) =>
      daemonRequest(daemon.url, method, path, { ...opts, headers: { Accept: 'application/json' } }),
    eventually,
    close: async () => {
      await daemon.stop();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The owner saves `settings` for `conference` (200), then the daemon has applied them live. */
export async function putSettings(
  h: FsconfigHarness,
  conference: string,
  settings: Record<string, unknown>,
): Promise<void> {
  const res = await h.request('PUT', `/my/conferences/${conference}`, { as: 'owner', body: settings });
  if (res.status !== 200) throw new Error(`PUT settings answered ${res.status}: ${await res.text()}`);
  await h.daemon.liveSettings.settled();
}

/** Members as the daemon shows them to the owner (its live state, built from FreeSWITCH's events). */
export async function liveMembers(h: FsconfigHarness, conference: string): Promise<ExtendedMemberDetails[]> {
  const res = await h.request('GET', `/my/conferencedetails/${conference}?extended=true`, { as: 'owner' });
  if (res.status === 406) return [];
  if (res.status !== 200) throw new Error(`conferencedetails answered ${res.status}`);
  const body = (await res.json()) as { conference: { members: ExtendedMemberDetails[] } };
  return body.conference.members;
}
