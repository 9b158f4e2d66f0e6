import { describe, expect, it } from 'vitest';
import { allowListMatcher, parseAllowList } from '../../src/net/allow-list.js';

describe('FSCONFIG_ALLOW', () => {
  it('parses addresses and CIDR ranges of both families', () => {
    expect(parseAllowList(' 10.0.0.5 , 172.28.0.0/16,::1, fd00::/8 ,')).toEqual({
      ok: true,
      entries: ['10.0.0.5', '172.28.0.0/16', '::1', 'fd00::/8'],
    });
    expect(parseAllowList('')).toEqual({ ok: true, entries: [] });
  });

  it.each(['host.example', '10.0.0.1/33', '::1/129', '10.0.0.1/8/1', '10.0.0.1/x', '1.2.3'])(
    'refuses %s',
    (entry) => {
      expect(parseAllowList(entry).ok).toBe(false);
    },
  );

  it('matches addresses, ranges and IPv4 clients seen through a dual-stack socket', () => {
    const parsed = parseAllowList('10.0.0.5, 172.28.0.0/16, fd00::/8');
    if (!parsed.ok) throw new Error(parsed.error);
    const allowed = allowListMatcher(parsed.entries);
    expect(allowed('10.0.0.5')).toBe(true);
    expect(allowed('10.0.0.6')).toBe(false);
    expect(allowed('172.28.200.1')).toBe(true);
    expect(allowed('::ffff:172.28.0.9')).toBe(true);
    expect(allowed('fd00::1234')).toBe(true);
    expect(allowed('fe80::1')).toBe(false);
    expect(allowed(undefined)).toBe(false);
    expect(allowed('not-an-address')).toBe(false);
  });

  it('an empty list admits any address', () => {
    expect(allowListMatcher([])('203.0.113.7')).toBe(true);
  });
});
