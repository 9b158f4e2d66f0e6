// The client's address of an API request (for login throttling and logs): the socket's peer, or the
// address TRUSTED_PROXIES vouch for in X-Forwarded-For (the rule is net/client-address.ts).
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { allowListMatcher } from '../net/allow-list.js';
import { plainAddress, resolveClient } from '../net/client-address.js';
import type { AppEnv } from './context.js';

/** Builds the per-request resolver for a parsed TRUSTED_PROXIES list (empty: the socket peer only). */
export function clientAddressResolver(trustedProxies: readonly string[]): (c: Context<AppEnv>) => string {
  const matches = allowListMatcher(trustedProxies);
  const trusted = trustedProxies.length === 0 ? () => false : (address: string) => matches(address);
  return (c) => {
    const peer = socketPeer(c);
    if (peer === undefined) return 'unknown';
    // Several X-Forwarded-For headers arrive joined with ", " in order, as one list.
    return resolveClient(peer, c.req.header('x-forwarded-for'), trusted);
  };
}

/** The socket's peer address; `app.request()` in tests has none. */
function socketPeer(c: Context<AppEnv>): string | undefined {
  try {
    const address = getConnInfo(c).remote.address;
    return address === undefined ? undefined : plainAddress(address);
  } catch {
    return undefined;
  }
}
