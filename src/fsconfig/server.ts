// The fsconfig listener: its own port (FSCONFIG_HOST:FSCONFIG_PORT), separate from the user API.
//
// Why a listener of its own rather than a route on the API port: the API is meant to be reachable by
// users (often through a load balancer), while only FreeSWITCH should reach this one. A separate port
// can be bound to the address FreeSWITCH uses and fire-walled on its own; nothing of the user API's
// routing, auth middleware or credentials is in its path, so no API bug or user login can reach it;
// and a mistake in this app cannot expose an API route. It also requires the shared secret, and can be
// limited to FreeSWITCH's addresses (FSCONFIG_ALLOW).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { ConnectionGuard, HTTP_SERVER_OPTIONS } from '../net/connection-guard.js';
import { FSCONFIG_MAX_CONNECTIONS } from '../net/connection-limits.js';
import { createFsconfigApp, FSCONFIG_PATH, type FsconfigAppDeps } from './app.js';

/** FSCONFIG_HOST, FSCONFIG_PORT, FSCONFIG_SECRET, FSCONFIG_ALLOW (config.ts reads them). */
export interface FsconfigListenerConfig {
  host: string;
  port: number;
  /** mod_xml_curl's gateway-credentials password (user `freeswitch`); never logged. */
  secret: string;
  /** Client addresses or CIDR ranges allowed to fetch; empty: any address that reaches the listener. */
  allow: readonly string[];
}

export interface FsconfigServer {
  /** `http://host:port/fsconfig`: what xml_curl.conf.xml's gateway-url names. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startFsconfigServer(
  listener: FsconfigListenerConfig,
  deps: Omit<FsconfigAppDeps, 'secret' | 'allow'>,
): Promise<FsconfigServer> {
  const app = createFsconfigApp({ ...deps, secret: listener.secret, allow: listener.allow });
  const server = createAdaptorServer({
    fetch: app.fetch,
    hostname: listener.host,
    serverOptions: HTTP_SERVER_OPTIONS,
  }) as Server;
  // Whoever reaches this port is refused before the allow-list can run, but holds a descriptor until
  // then: the same caps as the API listener keep it from starving the process.
  const cap = FSCONFIG_MAX_CONNECTIONS;
  new ConnectionGuard(server, { total: cap, perAddress: cap }, deps.logger.child({ part: 'fsconfig' }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listener.port, listener.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}${FSCONFIG_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
