// Issue 5 acceptance, domain half: 12,000 generated hostile command URLs (seeded, so every run is the
// same). Whatever is accepted must give an ESL line that an independent per-command regex accepts and
// that has no control character, brace or bracket; whatever is refused is a 400 with a reason; nothing
// throws. The same for 5,000 click-to-call `{to}` values.
import { describe, expect, it } from 'vitest';
import { parseCallTarget, routeCallTarget, originateDestination } from '../../src/domain/call-target.js';
import { CONFERENCE_COMMANDS } from '../../src/domain/commands.js';
import { conferenceCommandLine, parseConferenceCommand } from '../../src/domain/conference-command.js';
import { KNOWN_USERS_ONLY } from '../../src/domain/dial-policy.js';
import { makeCommandContext } from '../helpers/command-context.js';
import { enc, HOSTILE_ATOMS, HOSTILE_CHARS, hostileCommandTails } from '../helpers/hostile-command-urls.js';
import { prng } from '../helpers/prng.js';

// ---- independent checker: what each command's final line may look like -----------------------
const M = '(?:[1-9][0-9]{0,9}|all|last)';
const ID = '[1-9][0-9]{0,9}';
const WORD = '[\\p{L}\\p{M}\\p{N}.,!?:;-]+';
const TEXT = `${WORD}(?: ${WORD})*`;
const SND = '/usr/share/freeswitch/sounds';
const REC = '/var/lib/fs-confd/recordings';
const USER_DIAL = 'user/(?:200|401|bob\\.smith)@example\\.com';
const CID = '(?: \\+?[0-9A-Za-z*#._-]{1,32}(?: [\\p{L}\\p{M}\\p{N}._-]{1,64})?)?';
/** A file name a client gave `record`: dotted words, a known audio extension. */
const NAMED =
  '[A-Za-z0-9][A-Za-z0-9_-]{0,127}(?:\\.[A-Za-z0-9_-]+)*\\.(?:[wW][aA][vV]|[mM][pP]3|[fF][lL][aA][cC])';
const line = (body: string) => new RegExp(`^conference demo ${body}$`, 'u');

const CHECK: Record<string, RegExp> = {
  ...Object.fromEntries(
    ['mute', 'unmute', 'deaf', 'undeaf', 'kick', 'hup', 'tmute'].map((n) => [n, line(`${n} ${M}`)]),
  ),
  energy: line(`energy ${M}(?: (?:1800|1[0-7][0-9]{2}|[1-9][0-9]{0,2}|0|up|down))?`),
  volume_in: line(`volume_in ${M}(?: (?:-?[1-4]|0|up|down))?`),
  volume_out: line(`volume_out ${M}(?: (?:-?[1-4]|0|up|down))?`),
  dtmf: line(`dtmf ${M} [0-9*#A-D]{1,64}`),
  lock: line('lock'),
  unlock: line('unlock'),
  nopin: line('nopin'),
  list: line('list'),
  xml_list: line('xml_list'),
  pin: line('pin [0-9]{1,16}'),
  play: line(
    `play (?:${SND}(?:/[A-Za-z0-9_](?:[A-Za-z0-9_-]|\\.(?!\\.))*){1,8}` +
      `|tone_stream://(?:%\\([0-9.,]+\\)|L=[0-9]+|loops=-?[0-9]+|v=-?[0-9]+)(?:;(?:%\\([0-9.,]+\\)|L=[0-9]+|loops=-?[0-9]+|v=-?[0-9]+))*` +
      `|silence_stream://-?[0-9]+(?:,[0-9]+)?)(?: (?:${ID}|async))?`,
  ),
  stop: line(`stop (?:current|all|async)(?: ${ID})?`),
  say: line(`say ${TEXT}`),
  saymember: line(`saymember ${ID} ${TEXT}`),
  relate: line(`relate ${ID} ${ID} (?:nospeak|nohear|clear)`),
  transfer: line(`transfer [A-Za-z0-9_.-]{1,64}(?: ${ID}){1,20}`),
  dial: line(
    `dial (?:${USER_DIAL}|loopback/[A-Za-z0-9+*#._-]+/default|sofia/gateway/pstn/\\+1[A-Za-z0-9+*#._-]+)${CID}`,
  ),
  bgdial: line(
    `bgdial (?:${USER_DIAL}|loopback/[A-Za-z0-9+*#._-]+/default|sofia/gateway/pstn/\\+1[A-Za-z0-9+*#._-]+)${CID}`,
  ),
  invite: line(`bgdial (?:${USER_DIAL}|loopback/\\+?[A-Za-z0-9*#._-]{1,64}/default) 200 Alice`),
  inviteim: line(`bgdial ${USER_DIAL} 200 Alice`),
  record: line(`(?:record ${REC}/(?:demo-20261122T101500\\.123Z\\.wav|${NAMED})|norecord all)`),
  norecord: line(`norecord (?:all|${REC}/demo-[0-9]{8}T[0-9]{6}\\.[0-9]{3}Z\\.wav|${REC}/${NAMED})`),
};

// ---- generator ------------------------------------------------------------------------------
const VALID_TAILS = [
  'mute&13',
  'unmute&all',
  'deaf&last',
  'undeaf&14',
  'kick&15',
  'hup&all',
  'tmute&13',
  'energy&15&300',
  'volume_in&13&-2',
  'volume_out&last&up',
  'dtmf&13&12%23*',
  'lock',
  'unlock',
  'nopin',
  'pin&1234',
  'play&tone_stream://%25(1500,0,800)',
  'play&ivr/ivr-welcome.wav&13',
  'play&silence_stream://500&async',
  'stop&all',
  'stop&current&13',
  'say&hello%20world',
  'saymember&13&hi',
  'relate&13&14&nohear',
  'transfer&demo2&19&20',
  'dial&loopback/9991/default&1005&Eve',
  'dial&200',
  'bgdial&user/401',
  'invite&401',
  'invite&9991',
  'invite&sip%3A401%40example.com',
  'invite&%2B15551234567',
  'inviteim&401im',
  'record',
  'record&minutes',
  'record&board.mp3',
  'norecord&minutes.wav',
  'record&stop',
  'record&status',
  'norecord&all',
  'norecord&demo-20261122T101500.123Z.wav',
  'list',
  'xml_list',
  'say&Meeting%20ends%20soon.',
  'saymember&14&Sie%20sind%20stumm',
  'dial&sofia/gateway/pstn/+15551234567',
  'bgdial&loopback/42/default&7&Bob',
  'dial&user/200@example.com&%2B4930&Zo%C3%AB',
  'play&tone_stream://L=2;%25(100,100,350,440)',
  'play&conference/conf-pin.wav',
  'transfer&team.b&7',
  'dtmf&all&ABCD',
  'energy&all&up',
  'volume_in&13&4',
  'pin&0042',
  'stop&last&13',
];

/** Plausible arguments against `demo` (members 13-20); the helper adds its hostile atoms. */
const ATOMS = [
  '13',
  '0',
  '-1',
  '1800',
  '1801',
  '4',
  '-5',
  '2147483647',
  '2147483648',
  '007',
  'all',
  'last',
  'ALL',
  'async',
  'up',
  'down',
  'current',
  'nospeak',
  'clear',
  'stop',
  'status',
  'duration',
  '1234',
  '12#*AD',
  'abcd',
  'hello',
  'hello world',
  'Grüß Gott',
  '200',
  '401',
  '999',
  '401im',
  'user/200',
  'user/200@example.com',
  'user/200@evil.org',
  'loopback/9991/default',
  'loopback/1/other',
  'sofia/gateway/pstn/+15551234567',
  'sofia/internal/1000@127.0.0.1:5076',
  'demo2',
  'demo',
  'ivr/ivr-welcome.wav',
  'tone_stream://%(1,1,1)',
  'silence_stream://-1',
  'demo-20261122T101500.123Z.wav',
  `${REC}/demo-20261122T101500.123Z.wav`,
  'minutes',
  'minutes.wav',
  'a..b.wav',
  '.hidden.wav',
  'x.exe',
  '+15551234567',
  '+1 (555) 123-4567',
  'tel:+15551234567',
  'sip:401@example.com',
  'sip:bob@evil.org',
  'sips:401@example.com',
];

const COMMAND_NAMES = [
  ...CONFERENCE_COMMANDS.map((c) => c.name),
  'bogus',
  'json_list',
  'vid-layout',
  'set',
  'get',
];

/** The shared hostile generator (test/helpers/hostile-command-urls.ts) in this test's world. */
const generator = (seed: number) =>
  hostileCommandTails(prng(seed), { validTails: VALID_TAILS, atoms: ATOMS, commandNames: COMMAND_NAMES });

const CONTROL_OR_STRUCTURE = /[\p{Cc}\u2028\u2029{}[\]]/u;

interface FuzzTally {
  accepted: number;
  refused: number;
  acceptedBy: Map<string, number>;
  problems: string[];
}

const newTally = (): FuzzTally => ({ accepted: 0, refused: 0, acceptedBy: new Map(), problems: [] });

/** Parses one tail and checks whatever comes out; records problems instead of throwing. */
async function fuzzOne(tail: string, tally: FuzzTally): Promise<void> {
  try {
    const parsed = await parseConferenceCommand(tail, makeCommandContext());
    if (!parsed.ok) {
      tally.refused += 1;
      if (parsed.status !== 400 || parsed.error.length === 0)
        tally.problems.push(`bad refusal ${JSON.stringify(tail)}`);
      return;
    }
    tally.accepted += 1;
    const name = parsed.command.name;
    tally.acceptedBy.set(name, (tally.acceptedBy.get(name) ?? 0) + 1);
    const esl = conferenceCommandLine(parsed.command, 'demo');
    if (esl === null) {
      if (!(name === 'record' && /^record&(status|duration)$/i.test(decodeURIComponent(tail))))
        tally.problems.push(`no line for ${JSON.stringify(tail)}`);
      return;
    }
    if (CONTROL_OR_STRUCTURE.test(esl)) tally.problems.push(`unsafe character in ${JSON.stringify(esl)}`);
    if (esl.length > 1024) tally.problems.push(`long line ${esl.length}`);
    const checker = CHECK[name];
    if (checker === undefined || !checker.test(esl))
      tally.problems.push(`${JSON.stringify(tail)} → ${JSON.stringify(esl)} is outside the ${name} grammar`);
  } catch (error) {
    tally.problems.push(`threw on ${JSON.stringify(tail)}: ${String(error)}`);
  }
}

describe('conference command fuzz', () => {
  it('12,000 random hostile URLs: accepted ones match the grammar, refused ones are 400, nothing throws', async () => {
    const next = generator(0x5eed5);
    const tally = newTally();
    for (let n = 0; n < 12_000; n += 1) await fuzzOne(next(), tally);
    expect(tally.problems.slice(0, 20)).toEqual([]);
    expect(tally.accepted + tally.refused).toBe(12_000);
    // The checker must have had real work: every command accepted at least once, many refusals.
    expect(tally.accepted).toBeGreaterThan(1000);
    expect(tally.refused).toBeGreaterThan(6000);
    expect([...tally.acceptedBy.keys()].sort()).toEqual(CONFERENCE_COMMANDS.map((c) => c.name).sort());
  });

  it('every hostile character, raw and encoded, at the start, middle and end of every valid argument', async () => {
    const tally = newTally();
    let generated = 0;
    for (const tail of VALID_TAILS) {
      const parts = tail.split('&');
      for (let j = 1; j < parts.length; j += 1) {
        const part = parts[j] ?? '';
        for (const at of new Set([0, Math.floor(part.length / 2), part.length])) {
          for (const ch of HOSTILE_CHARS) {
            for (const written of [ch, enc(ch), enc(enc(ch))]) {
              const mutated = [...parts];
              mutated[j] = part.slice(0, at) + written + part.slice(at);
              await fuzzOne(mutated.join('&'), tally);
              generated += 1;
            }
          }
        }
      }
    }
    expect(tally.problems.slice(0, 20)).toEqual([]);
    expect(generated).toBeGreaterThan(10_000);
    expect(tally.refused).toBeGreaterThan(generated / 2);
  });

  it('the checker itself rejects lines outside the grammar', () => {
    expect(CHECK['mute']?.test('conference demo mute 13')).toBe(true);
    expect(CHECK['mute']?.test('conference demo mute 13 quiet')).toBe(false);
    expect(CHECK['say']?.test('conference demo say ${system(id)}')).toBe(false);
    expect(CHECK['dial']?.test('conference demo dial {x=1}user/200@example.com')).toBe(false);
    expect(CHECK['dial']?.test('conference demo dial sofia/internal/1@evil.org')).toBe(false);
    expect(CHECK['play']?.test(`conference demo play ${SND}/../x.wav`)).toBe(false);
    expect(CHECK['energy']?.test('conference demo energy 1 1801')).toBe(false);
    expect(CHECK['volume_in']?.test('conference demo volume_in 1 -5')).toBe(false);
  });
});

describe('click-to-call {to} fuzz', () => {
  it('5,000 hostile targets: accepted ones have an allow-listed user and a safe destination', () => {
    const rnd = prng(0xca11);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
    const shapes = [
      (a: string) => a,
      (a: string) => `sip:${a}@example.com`,
      (a: string) => `sip:200@${a}`,
      (a: string) => `sip:${a}`,
      (a: string) => `tel:+1${a}`,
      (a: string) => `+1 (555) ${a}`,
      (a: string) => `${a}@example.com`,
    ];
    const ctx = { domains: ['example.com'], dialPolicy: KNOWN_USERS_ONLY, sipProfile: 'external' };
    const problems: string[] = [];
    let accepted = 0;
    for (let n = 0; n < 5_000; n += 1) {
      const text = pick(shapes)(
        Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => pick([...ATOMS, ...HOSTILE_ATOMS])).join(''),
      );
      const raw = rnd() < 0.5 ? enc(text) : rnd() < 0.5 ? text : enc(enc(text));
      try {
        const target = parseCallTarget(raw);
        if (!target.ok) continue;
        accepted += 1;
        if (!/^[+]?[0-9A-Za-z*#._-]{1,64}$/.test(target.value.user))
          problems.push(`user ${JSON.stringify(target.value.user)}`);
        const route = routeCallTarget(target.value, ctx);
        if (!route.ok) continue;
        const tail = originateDestination(route.value, 'default');
        if (
          !tail.ok ||
          CONTROL_OR_STRUCTURE.test(tail.value) ||
          /[\s,|'"&]/.test(tail.value.replace(/ XML default$/, ''))
        )
          problems.push(`destination for ${JSON.stringify(raw)}`);
      } catch (error) {
        problems.push(`threw on ${JSON.stringify(raw)}: ${String(error)}`);
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(accepted).toBeGreaterThan(100);
  });
});
