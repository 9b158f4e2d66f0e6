// The simulator's conferences beyond what the transcripts show: every member and conference command
// with FreeSWITCH's reply and event, member targets (all/last/non_moderator), a refused join, the join
// hooks issue 7 will fill in (PIN, max members, mute on entry, moderators), and simulated talking.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/sim/model/clock.js';
import type { SimSwitchOptions } from '../../src/sim/model/switch.js';
import { SimSwitch } from '../../src/sim/model/switch.js';
import { transcriptLabConfig } from '../../src/sim/model/config.js';
import type { SimEvent } from '../../src/sim/types.js';

function header(e: SimEvent, name: string): string | undefined {
  return e.headers.find(([n]) => n === name)?.[1];
}

/** A switch with the lab's tables on a manual clock, and helpers that move time while commands run. */
function rig(options: Partial<SimSwitchOptions> = {}) {
  const events: SimEvent[] = [];
  const clock = new ManualClock();
  const sw = new SimSwitch({
    bus: { publish: (e) => events.push(e) },
    clock,
    ...transcriptLabConfig(),
    ...options,
  });
  /** Runs an api line, letting `ms` of simulated time pass before the reply is awaited. */
  const api = async (line: string, ms = 0): Promise<string> => {
    const space = line.indexOf(' ');
    const reply = sw.execute(
      space === -1 ? line : line.slice(0, space),
      space === -1 ? '' : line.slice(space + 1),
    );
    await clock.advance(ms);
    return reply;
  };
  /** Conference actions (and channel event names) published since the last call. */
  const take = (): string[] =>
    events.splice(0).map((e) => {
      const action = header(e, 'Action');
      return action
        ? `${action}${header(e, 'Member-ID') ? ` ${header(e, 'Member-ID')}` : ''}`
        : header(e, 'Event-Name')!;
    });
  const drain = (): SimEvent[] => events.splice(0);
  /** Someone joins demo@default through a loopback pair running `conference` (member id returned). */
  const join = async (cid = '1001', name = 'Alice', ext = '3900'): Promise<number> => {
    const reply = await api(
      `originate {origination_caller_id_number=${cid},origination_caller_id_name=${name}}loopback/${ext}/default &park()`,
      3000,
    );
    expect(reply).toMatch(/^\+OK [0-9a-f-]{36}\n$/);
    const found = sw.snapshot().conferences.flatMap((c) => c.members);
    return Math.max(...found);
  };
  return { sw, clock, api, take, drain, join, events };
}

describe('conference member commands', () => {
  it('tmute toggles, dtmf sends digits, deaf/undeaf, with one event each', async () => {
    const r = rig();
    const a = await r.join();
    const b = await r.join('1002', 'Bob');
    r.take();
    expect(await r.api(`conference demo tmute ${b}`)).toBe(`+OK mute ${b}\n`);
    expect(await r.api(`conference demo tmute ${b} quiet`)).toBe(`+OK unmute ${b}\n`);
    expect(await r.api(`conference demo dtmf ${a} 123#`)).toBe(`+OK sent 123# to ${a}\n`);
    expect(await r.api(`conference demo dtmf ${a}`)).toBe('-ERR Invalid input!\n');
    expect(await r.api(`conference demo deaf ${a}`)).toBe(`+OK deaf ${a}\n`);
    expect(await r.api(`conference demo undeaf ${a}`)).toBe(`+OK undeaf ${a}\n`);
    const actions = r.take().filter((x) => !x.startsWith('play-file'));
    expect(actions).toEqual([
      `mute-member ${b}`,
      `unmute-member ${b}`,
      `dtmf-member ${a}`,
      `deaf-member ${a}`,
      `undeaf-member ${a}`,
    ]);
  });

  it('dtmf-member carries the digits after the member block', async () => {
    const r = rig();
    const a = await r.join();
    r.drain();
    await r.api(`conference demo dtmf ${a} 42`);
    const ev = r.drain().find((e) => header(e, 'Action') === 'dtmf-member')!;
    const names = ev.headers.map(([n]) => n);
    expect(names.slice(-2)).toEqual(['Action', 'Digits']);
    expect(header(ev, 'Digits')).toBe('42');
    expect(header(ev, 'Member-ID')).toBe(String(a));
  });

  it('all / last / non_moderator targets, unknown ids and missing targets', async () => {
    const r = rig();
    const a = await r.join();
    const b = await r.join('1002', 'Bob');
    // newest member first, as FreeSWITCH's member list is
    expect(await r.api('conference demo mute all')).toBe(`+OK mute ${b}\n+OK mute ${a}\n`);
    expect(await r.api('conference demo unmute non_moderator')).toBe(`+OK unmute ${b}\n+OK unmute ${a}\n`);
    expect(await r.api('conference demo deaf last')).toBe(`+OK deaf ${b}\n`);
    expect(await r.api('conference demo mute 999')).toBe('-ERR Non-Existant ID 999\n');
    expect(await r.api('conference demo mute')).toBe('mute <[member_id|all]|last|non_moderator> [<quiet>]');
    expect(await r.api('conference demo mute x=y')).toBe('-ERR Non-Existant member\n');
    expect(await r.api(`conference demo get-uuid ${a}`)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('energy and volumes: up/down steps, clamping to -4..4, a query fires nothing', async () => {
    const r = rig();
    const a = await r.join();
    r.take();
    expect(await r.api(`conference demo energy ${a}`)).toBe(`Energy ${a} = 100\n`);
    expect(await r.api(`conference demo energy ${a} up`)).toBe(`Energy ${a} = 300\n`);
    expect(await r.api(`conference demo energy ${a} down`)).toBe(`Energy ${a} = 100\n`);
    expect(await r.api(`conference demo volume_in ${a} 9`)).toBe(`+OK Volume IN ${a} = 4\n`);
    expect(await r.api(`conference demo volume_out ${a} -9`)).toBe(`+OK Volume OUT ${a} = -4\n`);
    expect(await r.api(`conference demo volume_out ${a} up`)).toBe(`+OK Volume OUT ${a} = -3\n`);
    expect(await r.api(`conference demo volume_in ${a}`)).toBe(`+OK Volume IN ${a} = 4\n`);
    expect(r.take()).toEqual([
      `energy-level-member ${a}`,
      `energy-level-member ${a}`,
      `volume-in-member ${a}`,
      `volume-out-member ${a}`,
      `volume-out-member ${a}`,
    ]);
  });

  it('kick and hup: the event, then del-member and the call hung up; the last one out ends it', async () => {
    const r = rig();
    const a = await r.join();
    const b = await r.join('1002', 'Bob');
    r.take();
    expect(await r.api(`conference demo kick ${b}`, 100)).toBe(`+OK kicked ${b}\n`);
    const kicked = r.take();
    expect(kicked.slice(0, 2)).toEqual([`kick-member ${b}`, `del-member ${b}`]);
    expect(kicked.filter((x) => x === 'CHANNEL_DESTROY')).toHaveLength(2); // both loopback legs
    expect(await r.api(`conference demo hup ${a}`, 100)).toBe(`+OK hup ${a}\n`);
    const hup = r.take();
    // the floor holder gives the floor up before it leaves
    expect(hup.slice(0, 3)).toEqual([`hup-member ${a}`, 'floor-change', `del-member ${a}`]);
    expect(hup).toContain('conference-destroy');
    expect(await r.api('conference demo list')).toBe('-ERR Conference demo not found\n');
    expect(r.sw.snapshot()).toEqual({ channels: [], conferences: [] });
  });

  it('floor: give, take away, held by someone else', async () => {
    const r = rig();
    const a = await r.join();
    const b = await r.join('1002', 'Bob');
    r.take();
    expect(await r.api(`conference demo floor ${b}`)).toBe(`-ERR floor is held by ${a}\n`);
    expect(await r.api(`conference demo floor ${a}`)).toBe('+OK floor none\n');
    expect(await r.api(`conference demo floor ${b}`)).toBe(`+OK floor ${b}\n`);
    expect(r.take()).toEqual(['floor-change', `floor-change ${b}`]);
  });
});

describe('conference-wide commands', () => {
  it('lock refuses a join with no event at all, and the refused caller still used a member id', async () => {
    const r = rig();
    const a = await r.join();
    expect(await r.api('conference demo lock')).toBe('+OK demo locked\n');
    r.take();
    const reply = await r.api(
      'originate {origination_caller_id_number=1002}loopback/3900/default &park()',
      3000,
    );
    expect(reply).toMatch(/^\+OK /);
    const refused = r.take();
    expect(refused.filter((x) => !x.startsWith('CHANNEL_') && !x.startsWith('play-file'))).toEqual([]);
    expect(refused).toContain('CHANNEL_HANGUP');
    expect(await r.api('conference demo count')).toBe('1');
    expect(await r.api('conference demo unlock')).toBe('+OK demo unlocked\n');
    expect(await r.join('1003', 'Carol')).toBe(a + 2);
  });

  it('pin / nopin / get / set, and usage replies on bad arguments', async () => {
    const r = rig();
    await r.join();
    expect(await r.api('conference demo pin 1234')).toBe('+OK Pin for conference demo set: 1234\n');
    expect(await r.api('conference demo nopin')).toBe('+OK Pin for conference demo deleted\n');
    expect(await r.api('conference demo pin')).toBe('-ERR Invalid parameters:\npin <pin#>');
    expect(await r.api('conference demo get count')).toBe('1');
    expect(await r.api('conference demo get is_locked')).toBe('');
    expect(await r.api('conference demo get profile_name')).toBe('default');
    expect(await r.api('conference demo get nosuch')).toBe('get <parameter-name>');
    expect(await r.api('conference demo set max_members 5')).toBe('0');
    expect(await r.api('conference demo get max_members')).toBe('5');
    expect(await r.api('conference demo set max_members')).toBe(
      'set <max_members|sound_prefix|caller_id_name|caller_id_number|endconference_grace_time> <value>',
    );
  });

  it('play / stop, say / saymember, relate', async () => {
    const r = rig();
    const a = await r.join();
    const b = await r.join('1002', 'Bob');
    r.take();
    expect(await r.api('conference demo play /tmp/x.wav')).toBe('+OK (play) Playing file /tmp/x.wav\n');
    expect(await r.api(`conference demo play /tmp/x.wav ${a}`)).toBe(
      `+OK (play) Playing file /tmp/x.wav to member ${a}\n`,
    );
    expect(await r.api('conference demo play /tmp/x.wav 999')).toBe(
      '-ERR Member: 999 not found.\nplay <file_path> [async|<member_id> [nomux]]',
    );
    expect(await r.api('conference demo stop current')).toBe('+OK Stopped 1 files.\n');
    expect(await r.api('conference demo stop sideways')).toBe(
      'stop <[current|all|async|last]> [<member_id>]',
    );
    expect(await r.api('conference demo say hello there')).toBe('+OK (say) OK\n');
    expect(await r.api('conference demo say')).toBe('-ERR (say) Error! No text.\nsay <text>');
    expect(await r.api(`conference demo saymember ${b} hi Bob`)).toBe('+OK (saymember) OK\n');
    expect(await r.api('conference demo saymember 999 hi')).toBe(
      '-ERR (saymember) Unknown Member 999!\nsaymember <member_id> <text>',
    );
    expect(r.take().filter((x) => !x.endsWith('-done') && !/-done \d+$/.test(x))).toEqual([
      'play-file',
      `play-file-member ${a}`,
      'speak-text',
      `speak-text-member ${b}`,
    ]);
    expect(await r.api('conference demo relate')).toBe('+OK No relationships\n');
    expect(await r.api(`conference demo relate ${a} ${b} nospeak`)).toBe(`+OK ${a}->${b} nospeak set\n`);
    expect(await r.api(`conference demo relate ${a}`)).toBe(`${a} -> ${b} NOSPEAK HEAR NOSENDVIDEO \n`);
    expect(await r.api(`conference demo relate ${a} 999 nohear`)).toBe(
      `-ERR relationship ${a}->999 not found.\n`,
    );
    expect(await r.api(`conference demo relate ${a} ${b} clear`)).toBe(
      `+OK relationship ${a}->${b} cleared.\n`,
    );
  });

  it('say fails without a TTS engine', async () => {
    const r = rig({ tts: false });
    await r.join();
    expect(await r.api('conference demo say hello')).toBe('-ERR (say) Error!\nsay <text>');
  });

  it('record / chkrecord / norecord with start-recording and stop-recording', async () => {
    const r = rig();
    await r.join();
    r.take();
    expect(await r.api('conference demo chkrecord')).toBe('-ERR Conference is not being recorded.\n');
    expect(await r.api('conference demo record /tmp/rec.wav', 100)).toBe('+OK Record file /tmp/rec.wav\n');
    expect(await r.api('conference demo record /tmp/rec.wav')).toBe(
      '-ERR file [/tmp/rec.wav] is already being used for recording.\n',
    );
    expect(await r.api('conference demo chkrecord')).toBe('+OK Record file /tmp/rec.wav\n');
    expect(await r.api('conference demo norecord /tmp/other.wav')).toBe(
      "-ERR non-existant recording '/tmp/other.wav'\n+OK Stopped recording 0 files\n",
    );
    expect(await r.api('conference demo norecord all', 100)).toBe(
      'Stopped recording file /tmp/rec.wav\n+OK Stopped recording 0 files\n',
    );
    expect(r.take()).toEqual(['start-recording', 'stop-recording']);
  });

  it('transfer keeps the member id and moves the member to another conference', async () => {
    const r = rig();
    const a = await r.join();
    await r.join('1002', 'Bob');
    r.take();
    expect(await r.api(`conference demo transfer other ${a}`, 100)).toBe(
      `+OK Member '${a}' sent to conference other.\n`,
    );
    expect(await r.api('conference demo transfer other 999')).toBe(
      '-ERR No Member 999 in conference demo.\n',
    );
    const actions = r.take();
    expect(actions.slice(0, 7)).toEqual([
      `transfer ${a}`,
      'floor-change',
      `del-member ${a}`,
      `floor-change ${a + 1}`,
      'conference-create',
      `add-member ${a}`,
      `floor-change ${a}`,
    ]);
    expect(r.sw.snapshot().conferences).toEqual([
      { name: 'demo', members: [a + 1] },
      { name: 'other', members: [a] },
    ]);
  });

  it('dial and bgdial: the result, bgdial-result, and the new member', async () => {
    const r = rig();
    await r.join();
    r.take();
    expect(await r.api('conference demo dial user/1019 1019 Nobody', 100)).toBe(
      '+OK Call Requested: result: [USER_NOT_REGISTERED]\n',
    );
    const job = await r.api('conference demo bgdial sofia/internal/1000@127.0.0.1:5070 1000 Desk');
    expect(job).toMatch(/^\+OK Job-UUID: [0-9a-f-]{36}\n$/);
    await r.clock.advance(3000);
    const events = r.drain();
    const result = events.find((e) => header(e, 'Action') === 'bgdial-result')!;
    expect(header(result, 'Result')).toBe('SUCCESS');
    expect(header(result, 'Job-UUID')).toBe(job.slice('+OK Job-UUID: '.length, -1));
    expect(events.some((e) => header(e, 'Action') === 'add-member')).toBe(true);
    expect(await r.api('conference demo count')).toBe('2');
    expect(await r.api('conference demo dial')).toBe(
      '-ERR Bad Args\ndial <endpoint_module_name>/<destination> <callerid number> <callerid name>',
    );
  });

  it('unknown conference, unknown command, no command, and the whole-switch forms', async () => {
    const r = rig();
    expect(await r.api('conference list')).toBe('+OK No active conferences.\n');
    expect(await r.api('conference count')).toBe('0');
    expect(await r.api('conference nosuch mute all')).toBe('-ERR Conference nosuch not found\n');
    await r.join();
    expect(await r.api('conference demo bogus')).toBe("-ERR Conference command 'bogus' not found.\n");
    expect(await r.api('conference demo')).toBe("Conference command, not specified.\nTry 'help'\n");
    expect(await r.api('conference count')).toBe('1');
    expect(await r.api('conference list summary')).toMatch(
      /^\+OK Conference demo \(1 member rate: 8000 flags: /,
    );
    expect(await r.api('conference demo vid-layout 1x1')).toMatch(/^-ERR simulator: /);
  });
});

describe('join hooks (conference settings)', () => {
  it('a PIN from the policy refuses a join without it (id used) and admits name@profile+pin', async () => {
    const r = rig({
      joinHooks: { policyFor: (name) => (name === 'demo' ? { pin: '4321' } : undefined) },
    });
    await r.api('originate loopback/9991/default &conference(demo@default)', 3000);
    expect(r.take().filter((x) => !x.startsWith('CHANNEL_'))).toEqual([]);
    await r.api('originate loopback/9991/default &conference(demo@default+4321)', 3000);
    const actions = r.take();
    expect(actions).toContain('conference-create');
    expect(actions).toContain('add-member 2');
  });

  it('max members refuses the next caller; mute on entry; moderators; end on owner exit', async () => {
    const r = rig({
      joinHooks: {
        policyFor: () => ({ maxMembers: 2, muteOnEntry: true, endOnOwnerExit: true }),
        isModerator: (req) => req.callerIdNumber === '1001',
      },
    });
    const owner = await r.join('1001', 'Owner');
    const guest = await r.join('1002', 'Guest');
    const list = await r.api('conference demo list');
    expect(list).toContain(`${owner};loopback/3900-b;`);
    expect(list).toMatch(new RegExp(`^${guest};.*;hear;0;0;100\\n`, 'm'));
    expect(list).toMatch(new RegExp(`^${owner};.*;hear\\|speak\\|floor\\|moderator;0;0;100\\n`, 'm'));
    r.take();
    await r.api('originate loopback/3900/default &park()', 3000);
    expect(r.take().filter((x) => !x.startsWith('CHANNEL_') && !x.startsWith('play-file'))).toEqual([]);
    const ownerUuid = await r.api(`conference demo get-uuid ${owner}`);
    expect(r.sw.hangup(ownerUuid)).toBe(true);
    await r.clock.advance(500);
    const end = r.take().filter((x) => !x.startsWith('CHANNEL_') && !x.startsWith('play-file'));
    expect(end).toContain(`del-member ${owner}`);
    expect(end).toContain(`del-member ${guest}`);
    expect(end.at(-1)).toBe('conference-destroy');
    expect(r.sw.snapshot().conferences).toEqual([]);
  });

  it('owner required: the conference waits for a moderator', async () => {
    const r = rig({
      joinHooks: {
        policyFor: () => ({ ownerRequired: true }),
        isModerator: (req) => req.callerIdNumber === '1001',
      },
    });
    await r.join('1002', 'Guest');
    expect(await r.api('conference demo get wait_mod')).toBe('true');
    await r.join('1001', 'Owner');
    expect(await r.api('conference demo get wait_mod')).toBe('');
  });
});

describe('talking', () => {
  it('setTalking fires start/stop-talking, moves the floor, and is refused for muted or unknown members', async () => {
    const r = rig();
    const a = await r.join();
    const b = await r.join('1002', 'Bob');
    r.take();
    expect(r.sw.setTalking(b, true)).toBe(true);
    expect(r.sw.setTalking(b, true)).toBe(false);
    await r.clock.advance(1500);
    expect(r.sw.setTalking(b, false)).toBe(true);
    await r.clock.advance(0);
    const events = r.drain();
    expect(events.map((e) => `${header(e, 'Action')} ${header(e, 'Member-ID') ?? ''}`.trim())).toEqual([
      `start-talking ${b}`,
      `floor-change ${b}`,
      `stop-talking ${b}`,
    ]);
    const stop = events[2]!;
    expect(header(stop, 'talking-duration-ms')).toBe('1500');
    expect(header(stop, 'talking-total-packets')).toBe('75');
    expect(header(stop, 'Talking')).toBe('false');
    await r.api(`conference demo mute ${a}`);
    expect(r.sw.setTalking(a, true)).toBe(false);
    expect(r.sw.setTalking(999, true)).toBe(false);
  });
});
