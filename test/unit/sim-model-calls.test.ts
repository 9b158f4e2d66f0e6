// The simulator's calls beyond the transcripts' scenarios: every originate outcome from the
// reachability table (and which of them fire no event at all), the demo's `user/<u> <ext> XML default`
// flows, a bridged call in `show calls`, uuid_kill / hupall, inbound calls, runtime table changes,
// the core commands, and real time.
import { describe, expect, it } from 'vitest';
import { ManualClock, RealClock } from '../../src/sim/model/clock.js';
import type { Reachability, SimUser } from '../../src/sim/model/config.js';
import { transcriptLabConfig } from '../../src/sim/model/config.js';
import type { SimSwitchOptions } from '../../src/sim/model/switch.js';
import { SimSwitch } from '../../src/sim/model/switch.js';
import type { SimEvent } from '../../src/sim/types.js';

function header(e: SimEvent, name: string): string | undefined {
  return e.headers.find(([n]) => n === name)?.[1];
}

/** The demo's world: users 200-209 on their own phones, conference 3901 = sales. */
function demoTables(): Pick<SimSwitchOptions, 'users' | 'reachability' | 'dialplan' | 'domain'> {
  const users: Record<string, SimUser> = {};
  const reachability: Record<string, Reachability> = {};
  for (let i = 0; i < 10; i++) {
    const contact = `192.0.2.${10 + i}:5060`;
    users[String(200 + i)] = { contact };
    reachability[contact] = { kind: 'answer', afterMs: 1000 };
  }
  users['206'] = {}; // known, not registered
  reachability['192.0.2.17:5060'] = { kind: 'busy', afterMs: 200 };
  reachability['192.0.2.18:5060'] = { kind: 'no-answer' };
  delete reachability['192.0.2.19:5060']; // nothing listens there
  reachability['192.0.2.13:5060'] = { kind: 'answer', afterMs: 500, hangupAfterMs: 2000 };
  return {
    domain: 'demo.local',
    users,
    reachability,
    dialplan: { '3901': { kind: 'conference', name: 'sales' } },
  };
}

function rig(options: Partial<SimSwitchOptions> = demoTables()) {
  const events: SimEvent[] = [];
  const clock = new ManualClock();
  const sw = new SimSwitch({ bus: { publish: (e) => events.push(e) }, clock, ...options });
  const api = async (line: string, ms = 0): Promise<string> => {
    const space = line.indexOf(' ');
    const reply = sw.execute(
      space === -1 ? line : line.slice(0, space),
      space === -1 ? '' : line.slice(space + 1),
    );
    await clock.advance(ms);
    return reply;
  };
  /** When the reply came, in simulated ms after the command was sent. */
  const timed = async (line: string, ms: number): Promise<{ reply: string; afterMs: number }> => {
    const start = clock.nowMicros();
    let afterMs = -1;
    const space = line.indexOf(' ');
    const pending = sw
      .execute(line.slice(0, space), line.slice(space + 1))
      .then((reply) => ((afterMs = (clock.nowMicros() - start) / 1000), reply));
    await clock.advance(ms);
    return { reply: await pending, afterMs };
  };
  const names = (): string[] =>
    events
      .splice(0)
      .map(
        (e) => header(e, 'Action') ?? `${header(e, 'Event-Name')} ${header(e, 'Hangup-Cause') ?? ''}`.trim(),
      );
  const drain = (): SimEvent[] => events.splice(0);
  return { sw, clock, api, timed, names, drain };
}

describe('originate outcomes from the reachability table', () => {
  it.each([
    ['user/299 3901 XML default', '-ERR SUBSCRIBER_ABSENT\n'],
    ['user/206 3901 XML default', '-ERR USER_NOT_REGISTERED\n'],
    ['bogus/endpoint &park()', '-ERR CHAN_NOT_IMPLEMENTED\n'],
  ])('%s -> %j at once, with no channel event at all', async (line, expected) => {
    const r = rig();
    const { reply, afterMs } = await r.timed(`originate ${line}`, 5000);
    expect(reply).toBe(expected);
    expect(afterMs).toBe(0);
    expect(r.drain()).toEqual([]);
  });

  it('busy: USER_BUSY once the 486 comes; the channel is created and destroyed', async () => {
    const r = rig();
    const { reply, afterMs } = await r.timed('originate user/207 3901 XML default', 5000);
    expect(reply).toBe('-ERR USER_BUSY\n');
    expect(afterMs).toBe(200);
    expect(r.names()).toEqual([
      'CHANNEL_CREATE',
      'CHANNEL_HANGUP USER_BUSY',
      'CHANNEL_HANGUP_COMPLETE USER_BUSY',
      'CHANNEL_DESTROY USER_BUSY',
    ]);
  });

  it('no answer: rings until originate_timeout, then NO_ANSWER', async () => {
    const r = rig();
    const { reply, afterMs } = await r.timed(
      'originate {originate_timeout=5}user/208 3901 XML default',
      70_000,
    );
    expect(reply).toBe('-ERR NO_ANSWER\n');
    expect(afterMs).toBe(5000);
    expect(r.names()).toEqual([
      'CHANNEL_CREATE',
      'CHANNEL_PROGRESS',
      'CHANNEL_HANGUP NO_ANSWER',
      'CHANNEL_HANGUP_COMPLETE NO_ANSWER',
      'CHANNEL_DESTROY NO_ANSWER',
    ]);
  });

  it('nothing listening: NORMAL_TEMPORARY_FAILURE with the channel events', async () => {
    const r = rig();
    const { reply } = await r.timed('originate user/209 3901 XML default', 1000);
    expect(reply).toBe('-ERR NORMAL_TEMPORARY_FAILURE\n');
    expect(r.names()).toEqual([
      'CHANNEL_CREATE',
      'CHANNEL_HANGUP NORMAL_TEMPORARY_FAILURE',
      'CHANNEL_HANGUP_COMPLETE NORMAL_TEMPORARY_FAILURE',
      'CHANNEL_DESTROY NORMAL_TEMPORARY_FAILURE',
    ]);
  });

  it('answers then hangs up: the reply on answer, the far end BYE hangupAfterMs later', async () => {
    const r = rig();
    const { reply, afterMs } = await r.timed('originate user/203 &park()', 1000);
    expect(reply).toMatch(/^\+OK [0-9a-f-]{36}\n$/);
    expect(afterMs).toBe(500);
    expect(r.names()).toEqual(['CHANNEL_CREATE', 'CHANNEL_PROGRESS', 'CHANNEL_ANSWER']);
    await r.clock.advance(2000);
    expect(r.names()).toEqual([
      'CHANNEL_HANGUP NORMAL_CLEARING',
      'CHANNEL_HANGUP_COMPLETE NORMAL_CLEARING',
      'CHANNEL_DESTROY NORMAL_CLEARING',
    ]);
  });

  it('origination_uuid is the channel uuid; a bad line gets the usage reply', async () => {
    const r = rig();
    const uuid = '0ae98fd4-bb9b-4233-a629-b868315e70ac';
    expect(await r.api(`originate {origination_uuid=${uuid}}user/200 &park()`, 2000)).toBe(`+OK ${uuid}\n`);
    expect(r.sw.snapshot().channels).toEqual([uuid]);
    expect(await r.api('originate user/200')).toMatch(/^-USAGE: <call url> <exten>\|&<application_name>/);
  });

  it('runtime table changes take effect on the next call', async () => {
    const r = rig();
    r.sw.setUser('206', { contact: '192.0.2.16:5060' });
    expect(await r.api('originate user/206 &park()', 2000)).toMatch(/^\+OK /);
    r.sw.setReachability('192.0.2.16:5060', { kind: 'busy' });
    expect(await r.api('originate user/206 &park()', 2000)).toBe('-ERR USER_BUSY\n');
    r.sw.setUser('206', undefined);
    expect(await r.api('originate user/206 &park()', 2000)).toBe('-ERR SUBSCRIBER_ABSENT\n');
    r.sw.setDialplan('3902', { kind: 'conference', name: 'support' });
    await r.api('originate user/200 3902 XML default', 3000);
    expect(r.sw.snapshot().conferences.map((c) => c.name)).toEqual(['support']);
  });
});

describe('the demo flows', () => {
  it('user/<u> <conference ext> XML default: rings, answers, joins; the member shows the callee as caller', async () => {
    const r = rig();
    const reply = await r.api(
      'originate {origination_caller_id_number=200,origination_caller_id_name=Ann}user/200 3901 XML default',
      3000,
    );
    const uuid = reply.slice(4, -1);
    const events = r.drain();
    expect(events.map((e) => header(e, 'Action') ?? header(e, 'Event-Name'))).toEqual([
      'CHANNEL_CREATE',
      'CHANNEL_PROGRESS',
      'CHANNEL_ANSWER',
      // the transfer to the extension flips the caller id
      'CALL_UPDATE',
      'conference-create',
      'add-member',
      'floor-change',
      'play-file-done',
    ]);
    const create = events[0]!;
    expect(header(create, 'Unique-ID')).toBe(uuid);
    expect(header(create, 'Channel-Name')).toBe('sofia/internal/200@192.0.2.10:5060');
    expect(header(create, 'Caller-Caller-ID-Name')).toBe('Ann');
    expect(header(create, 'Call-Direction')).toBe('outbound');
    // after the transfer to the extension FreeSWITCH shows "Outbound Call" and the dialled number
    const add = events[5]!;
    expect(header(add, 'Caller-Caller-ID-Name')).toBe('Outbound Call');
    expect(header(add, 'Caller-Caller-ID-Number')).toBe('200');
    expect(header(add, 'Caller-Destination-Number')).toBe('3901');
    expect(header(add, 'Conference-Domain')).toBe('demo.local');
    expect(await r.api('conference sales list')).toMatch(
      new RegExp(
        `^1;sofia/internal/200@192\\.0\\.2\\.10:5060;${uuid};Outbound Call;200;hear\\|speak\\|floor;0;0;100\\n$`,
      ),
    );
  });

  it('user/<u> <another user> XML default bridges (Local_Extension); show calls pairs the legs', async () => {
    const r = rig();
    const reply = await r.api(
      'originate {origination_caller_id_number=204,origination_caller_id_name=Erin}user/204 205 XML default',
      4000,
    );
    const a = reply.slice(4, -1);
    const events = r.drain();
    expect(events.map((e) => header(e, 'Event-Name'))).toEqual([
      'CHANNEL_CREATE',
      'CHANNEL_PROGRESS',
      'CHANNEL_ANSWER',
      'CALL_UPDATE',
      'CHANNEL_CREATE',
      'CHANNEL_PROGRESS',
      'CHANNEL_ANSWER',
      'CHANNEL_BRIDGE',
      // each phone is told whom it talks to
      'CALL_UPDATE',
      'CALL_UPDATE',
    ]);
    const b = header(events[4]!, 'Unique-ID')!;
    expect(header(events[7]!, 'Other-Leg-Unique-ID')).toBe(b);
    const json = JSON.parse(await r.api('show calls as json')) as {
      row_count: number;
      rows: Array<Record<string, string>>;
    };
    expect(json.row_count).toBe(1);
    expect(json.rows[0]).toMatchObject({
      uuid: a,
      b_uuid: b,
      name: 'sofia/internal/204@192.0.2.14:5060',
      b_name: 'sofia/internal/205@192.0.2.15:5060',
      dest: '205',
      b_presence_id: '205@demo.local',
      callstate: 'ACTIVE',
    });
    const plain = await r.api('show calls');
    expect(plain.split('\n').at(-2)).toBe('1 total.');
    const channels = JSON.parse(await r.api('show channels as json')) as { row_count: number };
    expect(channels.row_count).toBe(2);
    // the far end hangs up B: both legs go
    expect(r.sw.hangup(b)).toBe(true);
    await r.clock.advance(500);
    const after = r.drain().map((e) => header(e, 'Event-Name'));
    expect(after.filter((n) => n === 'CHANNEL_DESTROY')).toHaveLength(2);
    expect(after).toContain('CHANNEL_UNBRIDGE');
    // with no row FreeSWITCH prints no column line either
    expect(await r.api('show calls')).toBe('\n0 total.\n');
  });

  it('an inbound call to a conference extension joins, and hangs up when asked', async () => {
    const r = rig();
    const uuid = r.sw.inboundCall({ from: '201', name: 'Grace', to: '3901', hangupAfterMs: 5000 });
    await r.clock.advance(1000);
    const joined = r.drain();
    const add = joined.find((e) => header(e, 'Action') === 'add-member')!;
    expect(header(add, 'Unique-ID')).toBe(uuid);
    expect(header(add, 'Caller-Caller-ID-Name')).toBe('Grace');
    expect(header(add, 'Call-Direction')).toBe('inbound');
    await r.clock.advance(5000);
    expect(r.drain().map((e) => header(e, 'Action') ?? header(e, 'Event-Name'))).toContain(
      'conference-destroy',
    );
  });
});

describe('hangups and core commands', () => {
  it('uuid_kill with a cause, unknown uuid, no uuid', async () => {
    const r = rig();
    const uuid = (await r.api('originate user/200 &park()', 2000)).slice(4, -1);
    r.drain();
    expect(await r.api(`uuid_kill ${uuid} USER_BUSY`, 100)).toBe('+OK\n');
    expect(r.names()).toEqual([
      'CHANNEL_HANGUP USER_BUSY',
      'CHANNEL_HANGUP_COMPLETE USER_BUSY',
      'CHANNEL_DESTROY USER_BUSY',
    ]);
    expect(await r.api(`uuid_kill ${uuid}`)).toBe('-ERR No such channel!\n');
    expect(await r.api('uuid_kill')).toBe('-USAGE: <uuid> [cause]\n');
    expect(r.sw.hangup(uuid)).toBe(false);
  });

  it('hupall, all or matching a variable', async () => {
    const r = rig();
    await r.api('originate {origination_caller_id_number=200}user/200 &park()', 2000);
    await r.api('originate {fs_confd_tag=x}user/201 &park()', 2000);
    r.drain();
    expect(await r.api('hupall MANAGER_REQUEST fs_confd_tag x', 100)).toBe(
      '+OK hangup all channels matching [fs_confd_tag]=[x] with cause MANAGER_REQUEST\n',
    );
    expect(r.sw.snapshot().channels).toHaveLength(1);
    expect(await r.api('hupall', 100)).toBe('+OK hangup all channels with cause NORMAL_CLEARING\n');
    expect(r.sw.snapshot().channels).toEqual([]);
    expect(r.names().filter((n) => n.startsWith('CHANNEL_DESTROY'))).toEqual([
      'CHANNEL_DESTROY MANAGER_REQUEST',
      'CHANNEL_DESTROY NORMAL_CLEARING',
    ]);
  });

  it('status counts sessions; version; unknown commands; global_getvar', async () => {
    const r = rig();
    await r.api('originate user/200 &park()', 2000);
    const status = await r.api('status');
    expect(status).toMatch(
      /^UP 0 years, 0 days, 0 hours, 0 minutes, 2 seconds, 0 milliseconds, 0 microseconds\n/,
    );
    expect(status).toContain('\n1 session(s) since startup\n1 session(s) - peak 1, last 5min 1 \n');
    expect(await r.api('version')).toBe('FreeSWITCH Version 1.11.2-release~64bit ( 64bit)\n');
    expect(await r.api('nosuchcommand foo')).toBe('-ERR nosuchcommand Command not found!\n');
    expect(await r.api('global_getvar domain')).toBe('demo.local');
  });

  it('shutdown hangs everything up and nothing is published afterwards', async () => {
    const r = rig();
    await r.api('originate user/200 3901 XML default', 3000);
    await r.api('originate user/201 3901 XML default', 3000);
    r.drain();
    await r.sw.shutdown();
    const last = r.names();
    expect(last.filter((n) => n.startsWith('CHANNEL_DESTROY'))).toHaveLength(2);
    expect(last).toContain('conference-destroy');
    await r.clock.advance(60_000);
    expect(r.drain()).toEqual([]);
  });
});

/** A RealClock that knows which of its timers are still to fire (fired or cancelled ones are not). */
class WatchedClock extends RealClock {
  readonly waiting = new Set<object>();

  override schedule(ms: number, fn: () => void): () => void {
    const timer = {};
    this.waiting.add(timer);
    const cancel = super.schedule(ms, () => {
      this.waiting.delete(timer);
      fn();
    });
    return () => {
      this.waiting.delete(timer);
      cancel();
    };
  }

  override cancelAll(): void {
    this.waiting.clear();
    super.cancelAll();
  }
}

describe('real time', () => {
  it('a loopback call into the lab conference runs on the real clock', async () => {
    const events: SimEvent[] = [];
    let joined: () => void = () => {};
    const memberAdded = new Promise<void>((resolve) => (joined = resolve));
    const clock = new WatchedClock();
    const publish = (e: SimEvent) => {
      events.push(e);
      if (header(e, 'Action') === 'add-member') joined();
    };
    const sw = new SimSwitch({ bus: { publish }, clock, ...transcriptLabConfig() });
    const started = Date.now();
    const reply = await sw.execute('originate', 'loopback/3900/default &park()');
    expect(reply).toMatch(/^\+OK /);
    await memberAdded;
    expect(Date.now() - started).toBeLessThan(5000); // generous: real delays of milliseconds, not seconds
    expect(clock.waiting.size).toBeGreaterThan(0); // the call's media and timers run
    await sw.shutdown();
    // nothing is left to fire, so nothing can be published afterwards
    expect(clock.waiting.size).toBe(0);
    const count = events.length;
    await sw.settle();
    expect(events.length).toBe(count);
  });
});
