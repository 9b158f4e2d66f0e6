// Lists of client addresses (FSCONFIG_ALLOW: who may fetch configuration; TRUSTED_PROXIES): single
// addresses and CIDR ranges, IPv4 and IPv6, checked with node's BlockList. Parsing is pure; the list is
// built once at start-up.
import { BlockList, isIP } from 'node:net';

export type AllowListParse = { ok: true; entries: readonly string[] } | { ok: false; error: string };

const MAX_ENTRIES = 64;

/** Parses `10.0.0.5, 172.28.0.0/16, ::1` (empty: no address restriction). */
export function parseAllowList(raw: string): AllowListParse {
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (entries.length > MAX_ENTRIES) return { ok: false, error: `at most ${MAX_ENTRIES} entries` };
  for (const entry of entries) {
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || extra !== undefined)
      return { ok: false, error: `not an address or CIDR range: "${entry.slice(0, 64)}"` };
    if (prefix !== undefined) {
      const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
      if (bits < 0 || bits > (family === 4 ? 32 : 128))
        return { ok: false, error: `bad prefix length in "${entry.slice(0, 64)}"` };
    }
  }
  return { ok: true, entries };
}

/** A matcher for parsed entries; an empty list admits every address. */
export function allowListMatcher(entries: readonly string[]): (address: string | undefined) => boolean {
  if (entries.length === 0) return () => true;
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    if (address === undefined) return false;
    // An IPv4 client on a dual-stack socket shows up as ::ffff:a.b.c.d.
    const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const family = isIP(plain);
    if (family === 0) return false;
    return list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  };
}
