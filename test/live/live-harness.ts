// The daemon, in-process, against the real FreeSWITCH named by FS_ESL (and, when FSCONFIG_SECRET is
// set, with the fsconfig listener FreeSWITCH's xml_curl.conf.xml points at), plus a direct ESL client
// of the test's own to ask FreeSWITCH what it thinks (`conference <name> json_list`, originate).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { startDaemon, type Daemon } from '../../src/daemon.js';
import { EslClient } from '../../src/esl/client.js';
import { createLogger } from '../../src/log.js';
import { eventuallyFound } from '../helpers/eventually.js';

export const ADMIN = { user: 'fsconfd-live-admin', password: 'live-admin-password-1' };

export interface LiveHarness {
  daemon: Daemon;
  config: Config;
  /** The test's own ESL connection to the (first) FreeSWITCH. */
  fs: EslClient;
  api(line: string): Promise<string>;
  request(
    method: string,
    path: string,
    auth: { user: string; password: string },
    body?: unknown,
  ): Promise<Response>;
  eventually<T>(check: () => Promise<T | undefined | false>, what: string, ms?: number): Promise<T>;
  close(): Promise<void>;
}

export async function startLiveHarness(): Promise<LiveHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'fsconfd-live-'));
  const logger = createLogger(process.env['LOG_LEVEL'] === 'debug' ? 'debug' : 'warn');
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dir,
    ADMIN_USER: ADMIN.user,
    ADMIN_PASSWORD: ADMIN.password,
    // loopback members and dial-outs into stock extensions (loopback/<ext>/default)
    DIAL_ALLOW: 'loopback/*/default',
  });
  config.httpHost = '127.0.0.1';
  config.httpPort = 0;
  const daemon = await startDaemon({ config, logger });
  const node = config.eslNodes[0]!;
  const fs = new EslClient({ node, logger, requestTimeoutMs: 10_000, events: [] });
  fs.start();

  const eventually = eventuallyFound;
  await eventually(async () => fs.state === 'connected', 'the test ESL connection');
  await eventually(
    async () => [...daemon.syncs.values()].every((s) => s.status === 'synced'),
    'the daemon in sync',
  );

  return {
    daemon,
    config,
    fs,
    api: (line) => fs.api(line),
    request: (method, path, auth, body) =>
      fetch(`${daemon.url}${path}`, {
        method,
        headers: {
          Accept: 'application/json',
          Authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`,
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    eventually,
    close: async () => {
      await fs.stop();
      await daemon.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
