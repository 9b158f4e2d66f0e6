// Click-to-call `{to}` values as they arrive in the URL (still percent-encoded), valid and hostile,
// and the destination originate gets for each.
import { describe, expect, it } from 'vitest';
import type { CallTarget } from '../../src/domain/call-target.js';
import {
  originateDestination,
  parseCallTarget,
  parseDecodedCallTarget,
  routeCallTarget,
} from '../../src/domain/call-target.js';
import { compileDialPolicy, KNOWN_USERS_ONLY } from '../../src/domain/dial-policy.js';

const VALID: Array<[raw: string, target: CallTarget]> = [
  ['200', { kind: 'extension', user: '200' }],
  ['5551234', { kind: 'extension', user: '5551234' }],
  ['*97', { kind: 'extension', user: '*97' }],
  ['%2A97', { kind: 'extension', user: '*97' }],
  ['%23123', { kind: 'extension', user: '#123' }],
  ['alice', { kind: 'extension', user: 'alice' }],
  ['bob.smith', { kind: 'extension', user: 'bob.smith' }],
  ['+15551234567', { kind: 'number', user: '+15551234567' }],
  ['%2B15551234567', { kind: 'number', user: '+15551234567' }],
  ['+1%20(555)%20123-4567', { kind: 'number', user: '+15551234567' }],
  ['(555)%20123.4567', { kind: 'number', user: '5551234567' }],
  ['%5B555%5D-123-4567', { kind: 'number', user: '5551234567' }],
  ['%7B555%7D1234567', { kind: 'number', user: '5551234567' }],
  ['555-1234', { kind: 'number', user: '5551234' }],
  ['sip:alice@example.com', { kind: 'sip', user: 'alice', host: 'example.com' }],
  ['sip%3Aalice%40example.com', { kind: 'sip', user: 'alice', host: 'example.com' }],
  ['SIP:Alice@EXAMPLE.com', { kind: 'sip', user: 'Alice', host: 'example.com' }],
  ['sip:1000@127.0.0.1:5070', { kind: 'sip', user: '1000', host: '127.0.0.1', port: 5070 }],
  [
    'sip:+15551234567@gw.example.com;user=phone',
    { kind: 'sip', user: '+15551234567', host: 'gw.example.com' },
  ],
  ['sip:%2A97@example.com', { kind: 'sip', user: '*97', host: 'example.com' }],
  ['sip:%2541lice@example.com', { kind: 'sip', user: 'Alice', host: 'example.com' }],
  ['tel:+15551234567', { kind: 'number', user: '+15551234567' }],
  ['tel:+1-555-123-4567', { kind: 'number', user: '+15551234567' }],
  ['TEL:+44(20)71234567', { kind: 'number', user: '+442071234567' }],
];

const INVALID: Array<[raw: string, reason: RegExp]> = [
  ['', /empty/],
  ['%0D%0A', /control/],
  ['200%0D%0Aapi%20status', /control/],
  ['200\r\n', /control/],
  ['200%00', /control/],
  ['sip:%0D%0Afoo@example.com', /control/],
  ['sip:foo%0D%0A@example.com', /control/],
  ['sip:foo%250A@example.com', /SIP user/],
  ['sip:%250D%250Afoo@example.com', /SIP user/],
  ['sip:%2500@example.com', /SIP user/],
  ['{x}', /not an extension/],
  ['%7Bx%7D', /not an extension/],
  ['%7Borigination_caller_id_number%3D1%7Duser/200', /not an extension/],
  ['sip:a%7Bx%7D@example.com', /not a SIP URI/],
  ['sip:a%257Bx%257D@example.com', /SIP user/],
  ['200,201', /not an extension/],
  ['sip:a,b@example.com', /not a SIP URI/],
  ['sip:a%2Cb@example.com', /not a SIP URI/],
  ['200%26201', /not an extension/],
  ['sip:a&b@example.com', /not a SIP URI/],
  ['200|201', /not an extension/],
  ['%22200%22', /not an extension/],
  ["'200'", /not an extension/],
  ['sip:%22a%22@example.com', /not a SIP URI/],
  ['sip:%2522a%2522@example.com', /SIP user/],
  ["sip:a'b@example.com", /not a SIP URI/],
  ['sip:' + 'a'.repeat(5000) + '@example.com', /longer/],
  ['a'.repeat(5000), /longer/],
  ['sip:' + 'a'.repeat(65) + '@example.com', /SIP user/],
  ['a'.repeat(65), /not an extension/],
  ['+' + '1'.repeat(33), /32 digits/],
  ['tel:5551234', /global/],
  ['tel:+1555;phone-context=example.com', /parameters/],
  ['tel:+1555;ext=12', /parameters/],
  ['tel:+1%0D%0A555', /control/],
  ['tel:+', /global/],
  ['tel:+1a', /global/],
  ['sips:alice@example.com', /sips/],
  ['http://example.com/', /only sip: and tel:/],
  ['user/200', /not an extension/],
  ['sofia/internal/1000@127.0.0.1', /not an extension/],
  ['sip:example.com', /not a SIP URI/],
  ['sip:alice:secret@example.com', /not a SIP URI/],
  ['sip:alice@example.com?subject=hi', /not a SIP URI/],
  ['sip:alice@example.com;transport=tcp', /not a SIP URI/],
  ['sip:alice@example.com;lr', /not a SIP URI/],
  ['sip:alice@[::1]', /host/],
  ['sip:alice@-x.com', /host/],
  ['sip:alice@example.com:0', /port/],
  ['sip:alice@example.com:99999', /port/],
  ['sip:alice@exa%20mple.com', /not a SIP URI/],
  ['sip:al ice@example.com', /not a SIP URI/],
  ['sip:', /not a SIP URI/],
  ['..', /not an extension/],
  ['%', /malformed/],
  ['%E0%A4%A', /malformed/],
  ['%C3%28', /UTF-8/],
  ['\u0661\u0662\u0663', /not an extension/],
  ['２００', /not an extension/],
  ['200\u200B', /not an extension/],
  ['(', /not an extension/],
];

describe('click-to-call {to}', () => {
  it.each(VALID)('accepts %s', (raw, target) => {
    expect(parseCallTarget(raw)).toEqual({ ok: true, value: target });
  });

  it.each(INVALID)('refuses %j', (raw, reason) => {
    const result = parseCallTarget(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(reason);
  });

  it('accepts already-decoded values through parseDecodedCallTarget, without decoding again', () => {
    expect(parseDecodedCallTarget('+1 (555) 123-4567')).toEqual({
      ok: true,
      value: { kind: 'number', user: '+15551234567' },
    });
    expect(parseDecodedCallTarget('%2A97')).toMatchObject({ ok: false });
  });
});

describe('routing a target', () => {
  const policy = compileDialPolicy(['sofia/external/*@partner.example.net']);
  if (!policy.ok) throw new Error(policy.error);
  const ctx = {
    domains: ['example.com', 'pbx.example.com'],
    dialPolicy: policy.value,
    sipProfile: 'external',
  };

  it('dials extensions, numbers and SIP URIs in our domains through the dialplan', () => {
    expect(routeCallTarget({ kind: 'extension', user: '200' }, ctx)).toEqual({
      ok: true,
      value: { kind: 'dialplan', extension: '200' },
    });
    expect(routeCallTarget({ kind: 'number', user: '+15551234567' }, ctx)).toEqual({
      ok: true,
      value: { kind: 'dialplan', extension: '+15551234567' },
    });
    expect(routeCallTarget({ kind: 'sip', user: 'alice', host: 'pbx.example.com', port: 5060 }, ctx)).toEqual(
      {
        ok: true,
        value: { kind: 'dialplan', extension: 'alice' },
      },
    );
  });

  it('bridges to foreign SIP URIs only when the dial policy allows them', () => {
    expect(routeCallTarget({ kind: 'sip', user: 'bob', host: 'partner.example.net' }, ctx)).toEqual({
      ok: true,
      value: { kind: 'bridge', dialString: 'sofia/external/bob@partner.example.net' },
    });
    expect(routeCallTarget({ kind: 'sip', user: 'bob', host: 'evil.example.org' }, ctx)).toMatchObject({
      ok: false,
    });
    expect(
      routeCallTarget({ kind: 'sip', user: 'bob', host: 'partner.example.net', port: 5080 }, ctx),
    ).toMatchObject({
      ok: false,
    });
    expect(
      routeCallTarget(
        { kind: 'sip', user: 'bob', host: 'partner.example.net' },
        { ...ctx, dialPolicy: KNOWN_USERS_ONLY },
      ),
    ).toMatchObject({ ok: false });
    expect(
      routeCallTarget(
        { kind: 'sip', user: 'bob', host: 'partner.example.net' },
        { ...ctx, sipProfile: 'a b' },
      ),
    ).toMatchObject({ ok: false });
  });

  it('builds the originate tail for the dialplan or a bridge', () => {
    expect(originateDestination({ kind: 'dialplan', extension: '+15551234567' }, 'default')).toEqual({
      ok: true,
      value: '+15551234567 XML default',
    });
    expect(
      originateDestination(
        { kind: 'bridge', dialString: 'sofia/external/bob@partner.example.net' },
        'default',
      ),
    ).toEqual({
      ok: true,
      value: '&bridge(sofia/external/bob@partner.example.net)',
    });
    expect(originateDestination({ kind: 'dialplan', extension: '200 XML x' }, 'default')).toMatchObject({
      ok: false,
    });
    expect(originateDestination({ kind: 'bridge', dialString: 'a,b' }, 'default')).toMatchObject({
      ok: false,
    });
    expect(originateDestination({ kind: 'dialplan', extension: '200' }, 'de fault')).toMatchObject({
      ok: false,
    });
  });

  it('composes: every accepted {to} gives a line-safe destination', () => {
    for (const [raw] of VALID) {
      const target = parseCallTarget(raw);
      if (!target.ok) throw new Error(raw);
      const route = routeCallTarget(target.value, { ...ctx, dialPolicy: KNOWN_USERS_ONLY });
      if (!route.ok) {
        expect(target.value.kind).toBe('sip');
        continue;
      }
      const tail = originateDestination(route.value, 'default');
      expect(tail.ok).toBe(true);
      if (tail.ok)
        expect(tail.value).toMatch(/^(?:\+?[0-9A-Za-z*#._-]{1,64} XML default|&bridge\([^\s{}[\],|]+\))$/);
    }
  });
});
