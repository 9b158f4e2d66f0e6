// The bookkeeping of the HTTP connection caps, without sockets: which connection is closed to make
// room (the one that has waited longest without sending a request), which are never closed (busy
// ones, streams), when a new one is refused, and the per-address share.
import { describe, expect, it } from 'vitest';
import { addressGroup, ConnectionTable } from '../../src/net/connection-table.js';
import {
  ASSUMED_OPEN_FILES,
  DEFAULT_MAX_CONNECTIONS,
  parseOpenFileLimit,
  resolveConnectionLimits,
} from '../../src/net/connection-limits.js';
import { prng } from '../helpers/prng.js';

const admitted = (table: ConnectionTable<string>, conn: string, address: string): string[] => {
  const result = table.admit(conn, address);
  if (!result.admitted) throw new Error(`${conn} refused (${result.full})`);
  return result.evict;
};

describe('ConnectionTable', () => {
  it('admits up to the cap, then closes the connection that has waited longest', () => {
    const t = new ConnectionTable<string>({ total: 3, perAddress: 3 });
    expect(admitted(t, 'a', '10.0.0.1')).toEqual([]);
    expect(admitted(t, 'b', '10.0.0.2')).toEqual([]);
    expect(admitted(t, 'c', '10.0.0.3')).toEqual([]);
    expect(admitted(t, 'd', '10.0.0.4')).toEqual(['a']);
    expect(admitted(t, 'e', '10.0.0.5')).toEqual(['b']);
    expect(t.size).toBe(3);
    expect(t.countFrom('10.0.0.1')).toBe(0);
  });

  it('a flood from a few addresses makes room among itself: a client with one connection stays', () => {
    const t = new ConnectionTable<string>({ total: 10, perAddress: 10 });
    admitted(t, 'client', '192.0.2.1'); // the oldest of all
    const evicted: string[] = [];
    for (let i = 0; i < 100; i++) evicted.push(...admitted(t, `flood${i}`, `10.0.0.${i % 3}`));
    expect(evicted).not.toContain('client');
    expect(evicted.length).toBe(91);
    // Each flooding address loses its own oldest first.
    expect(evicted.slice(0, 3)).toEqual(['flood0', 'flood1', 'flood2']);
    // When every address holds one waiting connection, the oldest goes.
    const u = new ConnectionTable<string>({ total: 3, perAddress: 3 });
    admitted(u, 'a', '10.0.0.1');
    admitted(u, 'b', '10.0.0.2');
    admitted(u, 'c', '10.0.0.3');
    expect(admitted(u, 'd', '10.0.0.4')).toEqual(['a']);
  });

  it('never closes a connection whose request is being answered, nor a stream', () => {
    const t = new ConnectionTable<string>({ total: 3, perAddress: 3 });
    admitted(t, 'busy', '10.0.0.1');
    admitted(t, 'ws', '10.0.0.2');
    admitted(t, 'idle', '10.0.0.3');
    t.requestStarted('busy');
    t.upgraded('ws');
    expect(admitted(t, 'new', '10.0.0.4')).toEqual(['idle']);
    t.requestStarted('new');
    expect(t.admit('late', '10.0.0.5')).toEqual({ admitted: false, full: 'total' });
    expect(t.requestsInFlight).toBe(2);
  });

  it('a keep-alive connection that was just answered waits at the back of the line', () => {
    const t = new ConnectionTable<string>({ total: 3, perAddress: 3 });
    admitted(t, 'poller', '10.0.0.1');
    admitted(t, 'slow1', '10.0.0.2');
    admitted(t, 'slow2', '10.0.0.3');
    t.requestStarted('poller');
    expect(t.requestEnded('poller')).toBe(true);
    expect(admitted(t, 'x', '10.0.0.4')).toEqual(['slow1']);
    expect(admitted(t, 'y', '10.0.0.5')).toEqual(['slow2']);
    expect(admitted(t, 'z', '10.0.0.6')).toEqual(['poller']);
  });

  it('pipelined requests: busy until the last response', () => {
    const t = new ConnectionTable<string>({ total: 2, perAddress: 2 });
    admitted(t, 'p', '10.0.0.1');
    t.requestStarted('p');
    t.requestStarted('p');
    expect(t.requestEnded('p')).toBe(false);
    expect(t.waitingCount).toBe(0);
    expect(t.requestEnded('p')).toBe(true);
    expect(t.waitingCount).toBe(1);
    expect(t.requestEnded('p')).toBe(false); // a stray end changes nothing
    expect(t.requestsInFlight).toBe(0);
  });

  it('an address at its cap gives up its own longest-waiting connection, not anyone else’s', () => {
    const t = new ConnectionTable<string>({ total: 10, perAddress: 2 });
    admitted(t, 'other', '10.0.0.9');
    admitted(t, 'a1', '10.0.0.1');
    admitted(t, 'a2', '10.0.0.1');
    expect(admitted(t, 'a3', '10.0.0.1')).toEqual(['a1']);
    t.requestStarted('a2');
    t.requestStarted('a3');
    expect(t.admit('a4', '10.0.0.1')).toEqual({ admitted: false, full: 'address' });
    expect(t.countFrom('10.0.0.1')).toBe(2);
    expect(t.countFrom('10.0.0.9')).toBe(1);
  });

  it('closing a connection frees its slot and its requests', () => {
    const t = new ConnectionTable<string>({ total: 1, perAddress: 1 });
    admitted(t, 'a', '10.0.0.1');
    t.requestStarted('a');
    t.remove('a');
    t.remove('a');
    expect(t.requestsInFlight).toBe(0);
    expect(admitted(t, 'b', '10.0.0.1')).toEqual([]);
    t.requestStarted('gone'); // events of unknown connections are ignored
    t.upgraded('gone');
    expect(t.size).toBe(1);
  });

  it('random traffic keeps every count consistent with the connections it holds', () => {
    const random = prng(13);
    const t = new ConnectionTable<number>({ total: 50, perAddress: 8 });
    const open = new Map<number, { address: string; inFlight: number; stream: boolean }>();
    for (let i = 0; i < 20_000; i++) {
      const pick = Math.floor(random() * 5);
      const conns = [...open.keys()];
      const some = conns[Math.floor(random() * conns.length)];
      if (pick <= 1 || some === undefined) {
        const address = `10.0.0.${Math.floor(random() * 12)}`;
        const result = t.admit(i, address);
        if (result.admitted) {
          for (const victim of result.evict) {
            const v = open.get(victim)!;
            if (v.inFlight > 0 || v.stream) throw new Error(`closed busy connection ${victim} at step ${i}`);
            open.delete(victim);
          }
          open.set(i, { address, inFlight: 0, stream: false });
        }
      } else if (pick === 2) {
        t.requestStarted(some);
        open.get(some)!.inFlight++;
      } else if (pick === 3) {
        t.requestEnded(some);
        const entry = open.get(some)!;
        if (entry.inFlight > 0) entry.inFlight--;
      } else if (random() < 0.05) {
        t.upgraded(some);
        open.get(some)!.stream = true;
      } else {
        t.remove(some);
        open.delete(some);
      }
      if (t.size !== open.size || t.size > 50) throw new Error(`size ${t.size} at step ${i}`);
    }
    const entries = [...open.values()];
    expect(t.requestsInFlight).toBe(entries.reduce((n, e) => n + e.inFlight, 0));
    expect(t.waitingCount).toBe(entries.filter((e) => e.inFlight === 0 && !e.stream).length);
    for (let a = 0; a < 12; a++) {
      const address = `10.0.0.${a}`;
      expect(t.countFrom(address)).toBe(entries.filter((e) => e.address === address).length);
      expect(t.countFrom(address)).toBeLessThanOrEqual(8);
    }
  });
});

describe('addressGroup', () => {
  it('one IPv4 address, also IPv4-mapped; one IPv6 /64', () => {
    expect(addressGroup('192.0.2.7')).toBe('192.0.2.7');
    expect(addressGroup('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressGroup('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:DB8::1')).toBe('2001:db8:0:0::/64');
    expect(addressGroup('::1')).toBe('0:0:0:0::/64');
    expect(addressGroup('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});

describe('connection limits from the open-file limit', () => {
  const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

  it('reads the soft limit from /proc/self/limits', () => {
    expect(parseOpenFileLimit(LIMITS)).toBe(1024);
    expect(parseOpenFileLimit(LIMITS.replace('1024  ', 'unlimited'))).toBeUndefined();
    expect(parseOpenFileLimit('')).toBeUndefined();
  });

  it('leaves room for ESL, the fsconfig listener and the rest; a quarter per address', () => {
    const limits = resolveConnectionLimits(1024, 2);
    expect(limits.total).toBeLessThan(1024 - 128);
    expect(limits.total).toBeGreaterThan(700);
    expect(limits.perAddress).toBe(Math.floor(limits.total / 4));
    expect(limits.lowered).toBe(false);
    expect(resolveConnectionLimits(undefined, 1).openFiles).toBe(ASSUMED_OPEN_FILES);
  });

  it('a very high open-file limit does not make the default unbounded; a configured value may use it', () => {
    expect(resolveConnectionLimits(1_048_576, 1).total).toBe(DEFAULT_MAX_CONNECTIONS);
    expect(resolveConnectionLimits(1_048_576, 1, { total: 50_000 })).toMatchObject({
      total: 50_000,
      perAddress: 12_500,
      lowered: false,
    });
  });

  it('configured values are kept below the ceiling, and say when they were lowered', () => {
    expect(resolveConnectionLimits(20_000, 1, { total: 500, perAddress: 50 })).toMatchObject({
      total: 500,
      perAddress: 50,
      lowered: false,
    });
    const lowered = resolveConnectionLimits(1024, 1, { total: 100_000 });
    expect(lowered.total).toBe(lowered.ceiling);
    expect(lowered.lowered).toBe(true);
    expect(resolveConnectionLimits(20_000, 1, { total: 100, perAddress: 1000 })).toMatchObject({
      perAddress: 100,
      lowered: true,
    });
  });
});
