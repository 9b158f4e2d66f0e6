// The simulator side of issue 7 without HTTP: the conference application's data and admission rules
// (mod_conference's), and the model's hooks for a fetched dialplan (extensionLookup, JoinHooks.prepare).
import { describe, expect, it } from 'vitest';
import { admitCaller, collectPin, parseConferenceData } from '../../src/sim/model/conference-admission.js';
import { enforcesSecurity } from '../../src/sim/xml-curl.js';
import { ManualClock } from '../../src/sim/model/clock.js';
import type { ConferenceJoinPolicy, DialplanTarget, ExtensionRequest } from '../../src/sim/model/config.js';
import { SimSwitch } from '../../src/sim/model/switch.js';

describe('conference application data', () => {
  it('cuts flags first, then the PIN, then the profile at the last @', () => {
    expect(parseConferenceData('demo')).toEqual({ name: 'demo', profile: 'default' });
    expect(parseConferenceData('demo@wideband+1234')).toEqual({
      name: 'demo',
      profile: 'wideband',
      pin: '1234',
    });
    expect(parseConferenceData('demo@default+1234+flags{moderator|endconf}')).toEqual({
      name: 'demo',
      profile: 'default',
      pin: '1234',
      flags: ['moderator', 'endconf'],
    });
    expect(parseConferenceData('demo@default+flags{mute,deaf}')).toEqual({
      name: 'demo',
      profile: 'default',
      flags: ['mute', 'deaf'],
    });
    expect(parseConferenceData('demo@default+flags{}').flags).toEqual([]);
  });
});

describe('admitCaller (mod_conference order: PIN, lock, max members)', () => {
  const room = { pin: undefined, moderatorPin: undefined, locked: false, full: false };
  const guest = (keyedPin?: string) => ({ enforceSecurity: true, ...(keyedPin ? { keyedPin } : {}) });

  it('no PIN anywhere: admitted without keying', () => {
    expect(admitCaller(room, undefined, guest())).toEqual({
      ok: true,
      moderatorByPin: false,
      leftoverDigits: '',
    });
  });

  it("the data's PIN wins over the room's; the moderator PIN admits a moderator", () => {
    const r = { ...room, pin: '1111', moderatorPin: '9999' };
    expect(admitCaller(r, '2222', guest('2222'))).toEqual({
      ok: true,
      moderatorByPin: false,
      leftoverDigits: '',
    });
    expect(admitCaller(r, '2222', guest('1111'))).toEqual({ ok: false, reason: 'pin' });
    expect(admitCaller(r, undefined, guest('1111'))).toEqual({
      ok: true,
      moderatorByPin: false,
      leftoverDigits: '',
    });
    expect(admitCaller(r, '2222', guest('9999'))).toEqual({
      ok: true,
      moderatorByPin: true,
      leftoverDigits: '',
    });
    expect(admitCaller(r, '2222', guest())).toEqual({ ok: false, reason: 'pin' });
  });

  it('a moderator PIN alone makes it the only way in', () => {
    expect(admitCaller({ ...room, moderatorPin: '9' }, undefined, guest())).toEqual({
      ok: false,
      reason: 'pin',
    });
  });

  it('locked refuses after the PIN; security off skips PIN and lock but not max members', () => {
    expect(admitCaller({ ...room, pin: '1', locked: true }, undefined, guest('2'))).toEqual({
      ok: false,
      reason: 'pin',
    });
    expect(admitCaller({ ...room, pin: '1', locked: true }, undefined, guest('1'))).toEqual({
      ok: false,
      reason: 'locked',
    });
    const host = { enforceSecurity: false };
    expect(admitCaller({ ...room, pin: '1', locked: true }, '1', host)).toEqual({
      ok: true,
      moderatorByPin: false,
      leftoverDigits: '',
    });
    expect(admitCaller({ ...room, full: true }, undefined, host)).toEqual({ ok: false, reason: 'full' });
  });
});

describe('the PIN prompt (switch_ivr_collect_digits_count: up to the longer PIN, or #)', () => {
  const room = { pin: undefined, moderatorPin: undefined, locked: false, full: false };

  it('reads up to the PIN length; what follows stays queued for the conference', () => {
    expect(collectPin('4321#', 4)).toEqual({ pin: '4321', rest: '#' });
    expect(collectPin('4321', 4)).toEqual({ pin: '4321', rest: '' });
    // a # before the length ends the PIN and is consumed
    expect(collectPin('43#21', 4)).toEqual({ pin: '43', rest: '21' });
    expect(collectPin('4321#', 6)).toEqual({ pin: '4321', rest: '' });
  });

  it('a PIN keyed with # admits, and the # reaches the conference when it is as long as the PIN', () => {
    const guest = (keyedPin: string | string[]) => ({ enforceSecurity: true, keyedPin });
    expect(admitCaller(room, '4321', guest('4321#'))).toEqual({
      ok: true,
      moderatorByPin: false,
      leftoverDigits: '#',
    });
    // a longer moderator PIN: the # ends the shorter participant PIN
    expect(admitCaller(room, '4321', { ...guest('4321#'), moderatorPin: '999999' })).toMatchObject({
      ok: true,
      leftoverDigits: '',
    });
  });

  it('a wrong PIN is asked again (its digits flushed), up to three times', () => {
    const guest = (keyedPin: string[]) => ({ enforceSecurity: true, keyedPin });
    expect(admitCaller(room, '4321', guest(['1111#0', '4321']))).toMatchObject({
      ok: true,
      leftoverDigits: '',
    });
    expect(admitCaller(room, '4321', guest(['1', '2', '4321']))).toMatchObject({ ok: true });
    expect(admitCaller(room, '4321', guest(['1', '2', '3', '4321']))).toEqual({ ok: false, reason: 'pin' });
  });

  it('enforce_security: inbound legs by default, the variable either way (mod_conference.c)', () => {
    expect(enforcesSecurity('inbound', undefined)).toBe(true);
    expect(enforcesSecurity('outbound', undefined)).toBe(false);
    expect(enforcesSecurity('outbound', 'true')).toBe(true);
    expect(enforcesSecurity('inbound', 'false')).toBe(false);
    expect(enforcesSecurity('outbound', 'yes')).toBe(true);
  });
});

describe('a fetched dialplan in the model', () => {
  function rig(
    route: (req: ExtensionRequest) => DialplanTarget | undefined,
    policy: ConferenceJoinPolicy = {},
  ) {
    const clock = new ManualClock();
    const requests: ExtensionRequest[] = [];
    const prepared: string[] = [];
    const sw = new SimSwitch({
      bus: { publish: () => undefined },
      clock,
      users: { '200': { contact: '127.0.0.1:5200' }, '202': { contact: '127.0.0.1:5202' } },
      extensionLookup: async (req) => {
        requests.push(req);
        await new Promise((r) => setTimeout(r, 1));
        return route(req);
      },
      joinHooks: {
        prepare: async (name, profile) => {
          prepared.push(`${name}@${profile}`);
          await new Promise((r) => setTimeout(r, 1));
        },
        policyFor: () => policy,
      },
    });
    const settle = async () => {
      for (let i = 0; i < 5; i++) {
        await new Promise((r) => setTimeout(r, 3));
        await clock.advance(500);
      }
    };
    const list = async () => sw.execute('conference', 'room list');
    return { sw, requests, prepared, settle, list };
  }

  it('asks for unknown extensions only, says who authenticated, and joins with the fetched data', async () => {
    const r = rig((req) =>
      req.extension === '3000'
        ? {
            kind: 'conference',
            name: 'room',
            data:
              req.authenticatedUser === '200'
                ? 'room@default+flags{moderator}'
                : 'room@default+4321+flags{mute}',
            caller: { enforceSecurity: req.authenticatedUser !== '200', keyedPin: '4321' },
          }
        : undefined,
    );
    r.sw.inboundCall({ from: '200', to: '3000' });
    r.sw.inboundCall({ from: '202', to: '3000' });
    r.sw.inboundCall({ from: '555', to: '3000' });
    const lost = r.sw.inboundCall({ from: '202', to: '4000' });
    await r.settle();
    expect(r.requests.map((q) => [q.extension, q.username, q.authenticatedUser])).toEqual([
      ['3000', '200', '200'],
      ['3000', '202', '202'],
      ['3000', '555', undefined],
      ['4000', '202', '202'],
    ]);
    expect(r.prepared).toEqual(['room@default', 'room@default', 'room@default']);
    const list = await r.list();
    const rows = list.trim().split('\n');
    expect(rows).toHaveLength(3);
    expect(
      rows.filter((row) => /;hear\|speak\|floor\|moderator;|;hear\|speak\|moderator;/.test(row)),
    ).toHaveLength(1);
    expect(rows.filter((row) => /;hear;/.test(row))).toHaveLength(2);
    expect(r.sw.snapshot().channels).not.toContain(lost);
  });

  it('a wrong PIN is refused and the caller hung up', async () => {
    const r = rig(() => ({
      kind: 'conference',
      name: 'room',
      data: 'room@default+1234',
      caller: { enforceSecurity: true, keyedPin: '9999' },
    }));
    const uuid = r.sw.inboundCall({ from: '202', to: '3000' });
    await r.settle();
    expect(await r.list()).toBe('-ERR Conference room not found\n');
    expect(r.sw.snapshot().channels).not.toContain(uuid);
  });

  it('a # after the PIN reaches the caller controls: the stock group hangs up, a group without it does not', async () => {
    const route = () => ({
      kind: 'conference' as const,
      name: 'room',
      data: 'room@default+4321',
      caller: { enforceSecurity: true, keyedPin: '4321#' },
    });
    // no caller-controls in the profile: mod_conference binds vanilla's `default` group (# = hangup)
    const stock = rig(route);
    const hungUp = stock.sw.inboundCall({ from: '202', to: '3000' });
    await stock.settle();
    expect(await stock.list()).toBe('-ERR Conference room not found\n');
    expect(stock.sw.snapshot().channels).not.toContain(hungUp);
    // a profile naming a group the configuration does not have binds nothing: the caller stays
    const own = rig(route, { callerControls: 'fsconfd' });
    const stays = own.sw.inboundCall({ from: '202', to: '3000' });
    await own.settle();
    expect((await own.list()).trim().split('\n')).toHaveLength(1);
    expect(own.sw.snapshot().channels).toContain(stays);
  });

  it('the profile (policyFor after prepare) sets max members and the moderator PIN', async () => {
    const r = rig(
      () => ({
        kind: 'conference',
        name: 'room',
        data: 'room@default+1111',
        caller: { enforceSecurity: true, keyedPin: '7777' },
      }),
      { maxMembers: 2, moderatorPin: '7777' },
    );
    r.sw.inboundCall({ from: '202', to: '3000' });
    r.sw.inboundCall({ from: '202', to: '3000' });
    r.sw.inboundCall({ from: '202', to: '3000' });
    await r.settle();
    const rows = (await r.list()).trim().split('\n');
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => row.includes('moderator'))).toBe(true);
  });
});

describe("a fetched bridge (the daemon's user extension) when the user does not answer", () => {
  async function callUnanswered(target: Extract<DialplanTarget, { kind: 'bridge' }>) {
    const clock = new ManualClock();
    const hangups: Array<[string, string, number]> = [];
    const start = clock.nowMicros();
    const sw = new SimSwitch({
      bus: {
        publish: (e) => {
          const h = new Map(e.headers);
          if (h.get('Event-Name') === 'CHANNEL_HANGUP')
            hangups.push([h.get('Unique-ID')!, h.get('Hangup-Cause')!, (clock.nowMicros() - start) / 1e6]);
        },
      },
      clock,
      users: { '200': { contact: '127.0.0.1:5200' }, '201': { contact: '127.0.0.1:5201' } },
      reachability: { '127.0.0.1:5201': { kind: 'no-answer' } },
      extensionLookup: async (req) => (req.extension === '201' ? target : undefined),
    });
    const uuid = sw.inboundCall({ from: '200', to: '201' });
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 1));
      await clock.advance(1000);
    }
    const ended = hangups.find(([u]) => u === uuid);
    return { cause: ended?.[1], seconds: ended?.[2] };
  }

  it('rings for call_timeout, then the hangup after the bridge gives its cause', async () => {
    const r = await callUnanswered({
      kind: 'bridge',
      dialString: 'user/201',
      timeoutSec: 3,
      continueOnFail: true,
      afterFailure: { hangup: '${originate_failed_cause}' },
    });
    expect(r.cause).toBe('NO_ANSWER');
    expect(r.seconds).toBeGreaterThanOrEqual(3);
    expect(r.seconds).toBeLessThan(5);
  });

  it('continue_on_fail=false hangs up with the cause and goes no further; unset, NO_ANSWER still goes on', async () => {
    expect(
      (await callUnanswered({ kind: 'bridge', dialString: 'user/201', timeoutSec: 3, continueOnFail: false }))
        .cause,
    ).toBe('NO_ANSWER');
    const r = await callUnanswered({
      kind: 'bridge',
      dialString: 'user/201',
      timeoutSec: 3,
      afterFailure: { hangup: 'CALL_REJECTED' },
    });
    expect(r.cause).toBe('CALL_REJECTED');
  });
});
