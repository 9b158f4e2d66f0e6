// The client's address, for login throttling and logs. It is the socket's peer, unless that peer is one
// of TRUSTED_PROXIES: then `X-Forwarded-For` is read from the right (each proxy appends the address it
// received the request from), skipping trusted proxies, and the first address that is not one of them
// is the client. Anything to its left was written by the client and is ignored, so a client cannot
// pick its own address by sending the header. Without TRUSTED_PROXIES the header is never read.
// Pure; http/client-address.ts applies it to a request.
import { isIP } from 'node:net';

/** Longer X-Forwarded-For values are not read (the socket peer is used). */
const MAX_FORWARDED_LENGTH = 2048;
/** At most this many hops are read, right to left. */
const MAX_HOPS = 32;

/** `::ffff:a.b.c.d` → `a.b.c.d`, so one IPv4 client has one key whatever the socket's family. */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** One X-Forwarded-For entry → an address, or undefined. Accepts `a.b.c.d:port` and `[v6]:port`. */
export function forwardedAddress(entry: string): string | undefined {
  const value = entry.trim();
  if (isIP(value) !== 0) return plainAddress(value.toLowerCase());
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::\d{1,5})?$/.exec(value);
  if (v6?.[1] && isIP(v6[1]) === 6) return plainAddress(v6[1].toLowerCase());
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(value);
  if (v4?.[1] && isIP(v4[1]) === 4) return v4[1];
  return undefined;
}

/**
 * The client behind `peer` given the request's X-Forwarded-For value, when `peer` is trusted.
 * A malformed entry stops the walk: the nearest hop known good (a trusted proxy) is used.
 */
export function resolveClient(
  peer: string,
  forwardedFor: string | undefined,
  trusted: (address: string) => boolean,
): string {
  if (!trusted(peer) || forwardedFor === undefined || forwardedFor.length > MAX_FORWARDED_LENGTH) return peer;
  const hops = forwardedFor.split(',');
  let nearest = peer;
  for (let i = hops.length - 1; i >= 0 && hops.length - i <= MAX_HOPS; i--) {
    const address = forwardedAddress(hops[i] ?? '');
    if (address === undefined) return nearest;
    if (!trusted(address)) return address;
    nearest = address;
  }
  return nearest;
}
