// The dial policy: known users always, other destinations only through the admin's allow-list, and
// never a dial string FreeSWITCH would read as more than one plain destination.
import { describe, expect, it } from 'vitest';
import type { DialContext } from '../../src/domain/dial-policy.js';
import {
  checkDialString,
  compileDialPolicy,
  KNOWN_USERS_ONLY,
  resolveCallerId,
  resolveDialDestination,
} from '../../src/domain/dial-policy.js';
import { testDialPolicy, USERS } from '../helpers/command-context.js';

const ctx = (overrides: Partial<DialContext> = {}): DialContext => ({
  domain: 'example.com',
  policy: testDialPolicy(),
  userExists: (name) => Object.hasOwn(USERS, name),
  ...overrides,
});

describe('dial string grammar', () => {
  it.each([
    'loopback/9991/default',
    'sofia/internal/1000@127.0.0.1:5076',
    'sofia/gateway/pstn/+15551234567',
    'user/200@example.com',
    'sofia/internal/*97@pbx.example.com',
    'error/user_busy',
  ])('accepts %s', (dial) => {
    expect(checkDialString(dial)).toEqual({ ok: true, value: dial });
  });

  it.each([
    ['{origination_caller_id_number=1}user/200', /endpoint/],
    ['[leg_timeout=1]user/200', /endpoint/],
    ['<x=1>user/200', /endpoint/],
    ['user/200,user/201', /parts use only/],
    ['user/200|user/201', /parts use only/],
    ['user/200:_:user/201', /parts use only/],
    ['sofia/internal/a@b:5060:_:user/1', /port/],
    ['sofia/internal/a@b:0', /port/],
    ['sofia/internal/a@b:65536', /port/],
    ['sofia/internal/a@[::1]', /host/],
    ['sofia/internal/a@-x.com', /host/],
    ['sofia/internal/a@b@c', /at most one @/],
    ['user/../200', /parts use only/],
    ['user/', /parts use only/],
    ['user', /endpoint\/destination/],
    ['User/200', /endpoint/],
    ['user/20 0', /parts use only/],
    ["user/'200'", /parts use only/],
    ['user/${x}', /parts use only/],
    ['user/%0D%0A', /parts use only/],
    ['user/2\r\n00', /parts use only/],
    ['a/b/c/d/e/f/g/h', /endpoint\/destination/],
    ['loopback/' + '9'.repeat(300), /characters/],
    ['', /characters/],
  ])('refuses %j', (dial, reason) => {
    const result = checkDialString(dial);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(reason);
  });
});

describe('allow-list patterns', () => {
  it('matches * within one part only', () => {
    const policy = testDialPolicy();
    expect(policy.allows('loopback/9991/default')).toBe(true);
    expect(policy.allows('loopback/9991/other')).toBe(false);
    expect(policy.allows('loopback/99/91/default')).toBe(false);
    expect(policy.allows('sofia/gateway/pstn/+15551234567')).toBe(true);
    expect(policy.allows('sofia/gateway/pstn/+44201234567')).toBe(false);
    expect(policy.allows('sofia/gateway/pstn/+1')).toBe(false);
  });

  it('never allows what fails the grammar, even when a pattern would match it', () => {
    const policy = compileDialPolicy(['sofia/gateway/pstn/*']);
    if (!policy.ok) throw new Error(policy.error);
    expect(policy.value.allows('sofia/gateway/pstn/1')).toBe(true);
    expect(policy.value.allows('sofia/gateway/pstn/1,sofia/gateway/pstn/2')).toBe(false);
    expect(policy.value.allows('sofia/gateway/pstn/..')).toBe(false);
  });

  it('treats regex characters in patterns literally', () => {
    const policy = compileDialPolicy(['sofia/gateway/a.b/+1*']);
    if (!policy.ok) throw new Error(policy.error);
    expect(policy.value.allows('sofia/gateway/a.b/+1555')).toBe(true);
    expect(policy.value.allows('sofia/gateway/aXb/+1555')).toBe(false);
    expect(policy.value.allows('sofia/gateway/a.b/11555')).toBe(false);
  });

  it.each([['*'], ['{x}sofia/*'], ['sofia/gateway/*,user/*'], ['sofia/internal/*@*:*:*'], ['']])(
    'rejects the pattern %j when the list is compiled',
    (pattern) => {
      expect(compileDialPolicy(['loopback/*/default', pattern])).toMatchObject({ ok: false });
    },
  );

  it('allows nothing by default', () => {
    expect(KNOWN_USERS_ONLY.allows('loopback/9991/default')).toBe(false);
    expect(compileDialPolicy([])).toMatchObject({ ok: true });
  });
});

describe('resolving a destination', () => {
  it.each([
    ['200', 'user/200@example.com'],
    ['user/200', 'user/200@example.com'],
    ['user/401@example.com', 'user/401@example.com'],
    ['user/bob.smith@EXAMPLE.COM', 'user/bob.smith@example.com'],
  ])('known user %s → %s, whatever the allow-list', async (requested, dial) => {
    const result = await resolveDialDestination(requested, ctx({ policy: KNOWN_USERS_ONLY }));
    expect(result).toEqual({
      ok: true,
      value: { kind: 'user', user: dial.slice(5, dial.indexOf('@')), dialString: dial },
    });
  });

  it('sends allow-listed destinations as written', async () => {
    expect(await resolveDialDestination('loopback/9991/default', ctx())).toEqual({
      ok: true,
      value: { kind: 'allow-listed', dialString: 'loopback/9991/default' },
    });
  });

  it.each([
    ['999', /unknown user/],
    ['user/999', /dial policy/],
    ['user/200@other.example.org', /dial policy/],
    ['200@example.com', /not a dial string/],
    ['sofia/internal/200@127.0.0.1', /dial policy/],
    ['{x=1}user/200', /not a dial string/],
    ['user/200,user/401', /not a dial string/],
  ])('refuses %s', async (requested, reason) => {
    const result = await resolveDialDestination(requested, ctx());
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(reason);
  });

  it('asks the user lookup only with names that pass the user-name grammar', async () => {
    const asked: string[] = [];
    const spy = ctx({ userExists: (n) => (asked.push(n), false) });
    await resolveDialDestination('a b', spy);
    await resolveDialDestination('user/x{y}', spy);
    await resolveDialDestination('user/ok.name', spy);
    expect(asked).toEqual(['ok.name']);
  });

  it('refuses everything when the domain itself is unsafe', async () => {
    expect(await resolveDialDestination('200', ctx({ domain: 'a b' }))).toMatchObject({ ok: false });
  });
});

describe('caller ID', () => {
  it('takes URL values only when they pass the grammar', () => {
    expect(resolveCallerId({ number: '+4930123', name: 'Zoë' }, undefined)).toEqual({
      ok: true,
      value: { number: '+4930123', name: 'Zoë' },
    });
    expect(resolveCallerId({ number: '1 2' }, undefined)).toMatchObject({ ok: false });
    expect(resolveCallerId({ number: '1', name: "O'Brien" }, undefined)).toMatchObject({ ok: false });
    expect(resolveCallerId({ number: '1', name: '${x}' }, undefined)).toMatchObject({ ok: false });
    expect(resolveCallerId({ number: '1'.repeat(33) }, undefined)).toMatchObject({ ok: false });
  });

  it('falls back to defaults per field, and drops a name without a number', () => {
    const defaults = { number: '3000', name: 'Team' };
    expect(resolveCallerId({ number: '1005' }, defaults)).toEqual({
      ok: true,
      value: { number: '1005', name: 'Team' },
    });
    expect(resolveCallerId({}, { name: 'Team' })).toEqual({ ok: true, value: {} });
    expect(resolveCallerId({}, { number: 'x y', name: 'Team' })).toEqual({ ok: true, value: {} });
  });
});
