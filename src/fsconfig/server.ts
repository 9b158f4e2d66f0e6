// The fsconfig listener: its own port (FSCONFIG_HOST:FSCONFIG_PORT), separate from the user API.
//
// Why a listener of its own rather than a route on the API port: the API is meant to be reachable by
// users (often through a load balancer), while only FreeSWITCH should reach this one. A separate port
// can be bound to the address FreeSWITCH uses and fire-walled on its own; nothing of the user API's
// routing, auth middleware or credentials is in its path, so no API bug or user login can reach it;
// and a mistake in this app cannot expose an API route. It also requires the shared secret, and can be
// limited to FreeSWITCH's addresses (FSCONFIG_ALLOW).
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { FsconfigListenerConfig } from '../config.js';
import { createFsconfigApp, FSCONFIG_PATH, type FsconfigAppDeps } from './app.js';

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
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: listener.host, port: listener.port }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}${FSCONFIG_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server && typeof server.closeAllConnections === 'function')
          server.closeAllConnections();
      }),
  };
}
