// Which HTTP connections to keep when there are too many: the bookkeeping behind connection-guard.ts.
// Pure (no sockets, no clock): a connection is any object, order of arrival stands in for time.
//
// A connection is *waiting* from accept until its request's headers have arrived, and again between
// keep-alive requests: it has not finished sending a request, and holding it open costs its client
// nothing (slowloris). It is *busy* while one of its requests is being answered, and a *stream* once
// upgraded to a WebSocket (capped by the event stream itself). Only waiting connections are ever closed
// to make room, so a flood of idle sockets cannot keep /health or a real request out: the oldest one
// of the address holding the most waiting connections (of those, the address that got there first).
// When every address holds one, that is simply the oldest; when a flood comes from a few hundred
// addresses, their sockets make room for each other and a client with one connection is left alone.

export interface ConnectionLimits {
  /** Open connections in total (waiting, busy and streams). */
  total: number;
  /** Open connections from one remote address. */
  perAddress: number;
}

export type Admission<C> =
  | { admitted: true; /** Waiting connections to close to make room (already forgotten here). */ evict: C[] }
  | { admitted: false; /** Which cap is full of busy connections and streams. */ full: 'total' | 'address' };

interface Entry {
  readonly address: string;
  /** Requests of this connection being answered (more than one when a client pipelines). */
  inFlight: number;
  stream: boolean;
}

interface AddressEntry<C> {
  count: number;
  /** This address's waiting connections, longest waiting first (a Set keeps insertion order). */
  readonly waiting: Set<C>;
}

export class ConnectionTable<C> {
  private readonly entries = new Map<C, Entry>();
  private readonly addresses = new Map<string, AddressEntry<C>>();
  /** Addresses by how many waiting connections they hold (1 and up), in the order they got there. */
  private readonly byWaiting = new Map<number, Set<string>>();
  private mostWaiting = 0;
  private waitingTotal = 0;
  private requests = 0;

  constructor(readonly limits: ConnectionLimits) {}

  /** Open connections. */
  get size(): number {
    return this.entries.size;
  }
  /** Connections that have not finished sending a request. */
  get waitingCount(): number {
    return this.waitingTotal;
  }
  /** Requests being answered, over all connections (streams excluded). */
  get requestsInFlight(): number {
    return this.requests;
  }
  /** Open connections from `address`. */
  countFrom(address: string): number {
    return this.addresses.get(address)?.count ?? 0;
  }
  /** Every open connection (a copy: the caller may close them). */
  all(): C[] {
    return [...this.entries.keys()];
  }
  /** Waiting connections (a copy: the caller may close them). */
  waitingConnections(): C[] {
    return [...this.addresses.values()].flatMap((from) => [...from.waiting]);
  }

  /**
   * A new connection from `address`: admitted (after closing the waiting connections listed in
   * `evict`), or refused when a full cap holds only busy connections and streams.
   */
  admit(connection: C, address: string): Admission<C> {
    const evict: C[] = [];
    const from = this.addresses.get(address);
    if (from !== undefined && from.count >= this.limits.perAddress) {
      const victim = first(from.waiting);
      if (victim === undefined) return { admitted: false, full: 'address' };
      this.remove(victim);
      evict.push(victim);
    }
    if (this.entries.size >= this.limits.total) {
      const victim = this.nextToEvict();
      if (victim === undefined) {
        // Nothing was closed for the address cap here: an eviction there freed a slot of the total.
        return { admitted: false, full: 'total' };
      }
      this.remove(victim);
      evict.push(victim);
    }
    this.entries.set(connection, { address, inFlight: 0, stream: false });
    const entry = this.addresses.get(address) ?? { count: 0, waiting: new Set<C>() };
    entry.count++;
    this.addresses.set(address, entry);
    this.markWaiting(connection, address);
    return { admitted: true, evict };
  }

  /** A request's headers arrived on `connection`. */
  requestStarted(connection: C): void {
    const entry = this.entries.get(connection);
    if (entry === undefined) return;
    entry.inFlight++;
    this.requests++;
    this.unmarkWaiting(connection, entry.address);
  }

  /** A response of `connection` was sent (or abandoned); returns true when it is waiting again. */
  requestEnded(connection: C): boolean {
    const entry = this.entries.get(connection);
    if (entry === undefined || entry.inFlight === 0) return false;
    entry.inFlight--;
    this.requests--;
    if (entry.inFlight > 0 || entry.stream) return false;
    this.markWaiting(connection, entry.address);
    return true;
  }

  /** `connection` left HTTP (an upgrade): never evicted, still counted until it closes. */
  upgraded(connection: C): void {
    const entry = this.entries.get(connection);
    if (entry === undefined) return;
    entry.stream = true;
    this.unmarkWaiting(connection, entry.address);
  }

  /** `connection` closed. */
  remove(connection: C): void {
    const entry = this.entries.get(connection);
    if (entry === undefined) return;
    this.entries.delete(connection);
    this.requests -= entry.inFlight;
    this.unmarkWaiting(connection, entry.address);
    const from = this.addresses.get(entry.address);
    if (from !== undefined && --from.count === 0) this.addresses.delete(entry.address);
  }

  /** The oldest waiting connection of the address holding the most. */
  private nextToEvict(): C | undefined {
    while (this.mostWaiting > 0 && (this.byWaiting.get(this.mostWaiting)?.size ?? 0) === 0)
      this.mostWaiting--;
    const address = first(this.byWaiting.get(this.mostWaiting) ?? new Set<string>());
    return address === undefined ? undefined : first(this.addresses.get(address)!.waiting);
  }

  private markWaiting(connection: C, address: string): void {
    const from = this.addresses.get(address);
    if (from === undefined || from.waiting.has(connection)) return;
    from.waiting.add(connection);
    this.waitingTotal++;
    this.moveAddress(address, from.waiting.size - 1, from.waiting.size);
  }

  private unmarkWaiting(connection: C, address: string): void {
    const from = this.addresses.get(address);
    if (from === undefined || !from.waiting.delete(connection)) return;
    this.waitingTotal--;
    this.moveAddress(address, from.waiting.size + 1, from.waiting.size);
  }

  private moveAddress(address: string, was: number, now: number): void {
    if (was > 0) this.byWaiting.get(was)?.delete(address);
    if (now === 0) return;
    let bucket = this.byWaiting.get(now);
    if (bucket === undefined) this.byWaiting.set(now, (bucket = new Set()));
    bucket.add(address);
    if (now > this.mostWaiting) this.mostWaiting = now;
  }
}

function first<T>(set: Set<T>): T | undefined {
  for (const value of set) return value;
  return undefined;
}

/**
 * What counts as one address for the per-address cap: an IPv4 address (also when IPv4-mapped), or an
 * IPv6 /64, since one host is usually given a whole /64 and could otherwise open each connection from
 * a new address.
 */
export function addressGroup(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.toLowerCase().split('%')[0]!.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
