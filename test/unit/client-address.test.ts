// TRUSTED_PROXIES: X-Forwarded-For is read only from a trusted peer, right to left, stopping at the
// first address that is not a trusted proxy.
import { describe, expect, it } from 'vitest';
import { allowListMatcher } from '../../src/net/allow-list.js';
import { forwardedAddress, plainAddress, resolveClient } from '../../src/net/client-address.js';

const trusted = allowListMatcher(['10.0.0.0/8', '2001:db8::1']);
const proxy = (address: string) => trusted(address);

describe('resolveClient', () => {
  it('an untrusted peer is the client, whatever it sends', () => {
    expect(resolveClient('203.0.113.5', '198.51.100.1', proxy)).toBe('203.0.113.5');
    expect(resolveClient('203.0.113.5', undefined, proxy)).toBe('203.0.113.5');
  });

  it('through one trusted proxy: the address it appended', () => {
    expect(resolveClient('10.0.0.2', '198.51.100.1', proxy)).toBe('198.51.100.1');
  });

  it('a client cannot choose its address by sending its own X-Forwarded-For', () => {
    // The client sent "1.2.3.4"; the proxy appended the client's real address.
    expect(resolveClient('10.0.0.2', '1.2.3.4, 198.51.100.1', proxy)).toBe('198.51.100.1');
  });

  it('through a chain of trusted proxies: the right-most untrusted address', () => {
    expect(resolveClient('10.0.0.2', '1.2.3.4, 198.51.100.1, 10.1.1.1, 10.2.2.2', proxy)).toBe(
      '198.51.100.1',
    );
    expect(resolveClient('2001:db8::1', '198.51.100.9', proxy)).toBe('198.51.100.9');
  });

  it('a trusted peer without the header, or with only trusted hops, is its own client', () => {
    expect(resolveClient('10.0.0.2', undefined, proxy)).toBe('10.0.0.2');
    expect(resolveClient('10.0.0.2', '10.3.3.3', proxy)).toBe('10.3.3.3');
  });

  it('a malformed hop stops the walk at the nearest good one; oversized headers are not read', () => {
    expect(resolveClient('10.0.0.2', '198.51.100.1, garbage', proxy)).toBe('10.0.0.2');
    expect(resolveClient('10.0.0.2', 'garbage, 10.1.1.1', proxy)).toBe('10.1.1.1');
    expect(resolveClient('10.0.0.2', `${'1.1.1.1, '.repeat(300)}198.51.100.1`, proxy)).toBe('10.0.0.2');
    expect(resolveClient('10.0.0.2', '', proxy)).toBe('10.0.0.2');
  });

  it('with no trusted proxies the header is never read', () => {
    expect(resolveClient('10.0.0.2', '198.51.100.1', () => false)).toBe('10.0.0.2');
  });
});

describe('forwardedAddress', () => {
  it('accepts plain addresses, ports, bracketed IPv6, and unwraps IPv4-mapped IPv6', () => {
    expect(forwardedAddress(' 198.51.100.1 ')).toBe('198.51.100.1');
    expect(forwardedAddress('198.51.100.1:4711')).toBe('198.51.100.1');
    expect(forwardedAddress('2001:DB8::5')).toBe('2001:db8::5');
    expect(forwardedAddress('[2001:db8::5]:443')).toBe('2001:db8::5');
    expect(forwardedAddress('::ffff:198.51.100.1')).toBe('198.51.100.1');
    expect(plainAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
  });
  it('refuses names, "unknown", obfuscated identifiers and junk', () => {
    for (const bad of ['unknown', '_hidden', 'example.com', '999.1.1.1', '[1.2.3.4]', '1.2.3.4:x', ''])
      expect(forwardedAddress(bad), bad).toBeUndefined();
  });
});
