// How a URL tail becomes a typed command and a line: decoding exactly once, control characters,
// limits, the real FreeSWITCH lines of the transcripts, and what the route must do with each command.
import { describe, expect, it } from 'vitest';
import {
  commandDocs,
  commandTableMarkdown,
  conferenceCommandLine,
  commandPlan,
  MAX_ARGS,
  parseConferenceCommand,
  toEslArgs,
} from '../../src/domain/conference-command.js';
import type { TypedCommand } from '../../src/domain/command-types.js';
import { UnsafeEslLineError } from '../../src/domain/esl-line.js';
import { compileDialPolicy, KNOWN_USERS_ONLY } from '../../src/domain/dial-policy.js';
import { makeCommandContext } from '../helpers/command-context.js';
import { readTranscriptLines } from '../helpers/transcripts.js';

async function parse(tail: string, overrides = {}) {
  return parseConferenceCommand(tail, makeCommandContext(overrides));
}

async function command(tail: string, overrides = {}): Promise<TypedCommand> {
  const parsed = await parse(tail, overrides);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.command;
}

describe('percent-decoding of the URL tail', () => {
  it('decodes exactly once: %25 is a literal percent, so double-encoded CR LF stays text and is refused', async () => {
    const doubly = await parse('say&a%250D%250Ab');
    expect(doubly).toMatchObject({ ok: false, status: 400 });
    expect(await parse('play&tone_stream://%25(1500,0,800)')).toMatchObject({ ok: true });
  });

  it.each([
    ['mute&%ZZ', /malformed/],
    ['mute&13%', /malformed/],
    ['mute&%C3', /UTF-8/],
    ['mute&%FF%FE', /UTF-8/],
    ['mute&13%0D%0Aapi%20status', /control/],
    ['mute&13\r\napi status', /control/],
    ['mute&13%00', /control/],
    ['mute&13\u0000', /control/],
    ['mute&13%09', /control/],
    ['mute&13%7F', /control/],
    ['mute&13%C2%85', /control/],
    ['mute&13%E2%80%A8', /control/],
    ['%0Dmute&13', /control/],
    ['', /no command/],
    ['&13', /no command/],
    ['mute&&13', /empty/],
  ])('%j → 400 %s', async (tail, reason) => {
    const parsed = await parse(tail);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(reason);
  });

  it('treats %26 as a literal & inside an argument (never a separator), which grammars refuse', async () => {
    expect(await parse('mute&13%2614')).toMatchObject({ ok: false });
    expect(await parse('say&a%26b')).toMatchObject({ ok: false });
  });

  it('accepts an encoded command name and is case-insensitive, like FreeSWITCH', async () => {
    expect((await command('%6Dute&13')).name).toBe('mute');
    expect((await command('XML_LIST')).name).toBe('xml_list');
  });

  it('does not echo hostile command names back', async () => {
    const parsed = await parse('%3Cscript%3E');
    expect(parsed).toEqual({ ok: false, status: 400, error: 'unknown command' });
    expect(await parse('bogus')).toEqual({ ok: false, status: 400, error: 'unknown command "bogus"' });
  });

  it('bounds the tail, the argument count and each argument', async () => {
    expect(await parse('say&' + 'a'.repeat(5000))).toMatchObject({ ok: false, error: /longer than 4096/ });
    expect(await parse('transfer&demo2&' + Array(MAX_ARGS).fill('1').join('&'))).toMatchObject({
      ok: false,
      error: /at most 23 arguments/,
    });
    expect(await parse('norecord&' + 'a'.repeat(513))).toMatchObject({ ok: false, error: /longer than 512/ });
  });
});

describe('the lines FreeSWITCH really received (conference transcript)', () => {
  // Each `api conference demo <cmd> <args>` the recorder sent, as the URL a client would use.
  const sent = readTranscriptLines('conference-plain')
    .filter((l) => l.dir === 'send' && l.data?.startsWith('api conference demo '))
    .map((l) => (l.data ?? '').replace(/\n+$/, '').slice('api '.length));

  it('found the transcript lines', () => {
    expect(sent.length).toBeGreaterThan(20);
  });

  it('turns the equivalent URL into the very same line, except files the daemon must pick', async () => {
    let compared = 0;
    for (const line of sent) {
      const words = line.split(' ').slice(2);
      const tail = words.map(encodeURIComponent).join('&');
      const parsed = await parse(tail);
      if (words[0] === 'record' || words[0] === 'norecord') {
        // `record /tmp/x.wav`: the URL may not choose a file; the daemon picks one.
        expect(parsed.ok, line).toBe(false);
        continue;
      }
      if (!parsed.ok) throw new Error(`${line}: ${parsed.error}`);
      expect(conferenceCommandLine(parsed.command, 'demo')).toBe(line);
      compared += 1;
    }
    expect(compared).toBeGreaterThan(20);
  });

  it('refuses what FreeSWITCH answered with an error or usage text', async () => {
    const replies = readTranscriptLines('api-responses')
      .filter((l) => l.dir === 'send')
      .map((l) => l.data ?? '');
    expect(replies).toContain('api conference demo mute\n\n');
    expect(replies).toContain('api conference demo bogus\n\n');
    expect(await parse('mute')).toMatchObject({ ok: false, status: 400 });
    expect(await parse('bogus')).toMatchObject({ ok: false, status: 400 });
  });
});

const planOf = async (tail: string, overrides = {}) =>
  commandPlan(await command(tail, overrides), 'demo', 'fs-confd');

describe('how the table runs each command (commandPlan)', () => {
  it.each([
    ['mute&13', 'freeswitch-text'],
    ['list', 'freeswitch-text'],
    ['xml_list', 'xml-document'],
    ['invite&401', 'invitation-sent'],
    ['inviteim&401im', 'invitation-sent'],
    ['record', 'record-start'],
    ['record&stop', 'record-stop'],
    ['record&status', 'record-status'],
    ['record&duration', 'record-duration'],
    ['norecord&all', 'freeswitch-text'],
  ])('%s → %s', async (tail, handling) => {
    expect((await planOf(tail)).handling).toBe(handling);
  });

  it('sends nothing for record status and duration', async () => {
    expect(toEslArgs(await command('record&status'), 'demo')).toBeNull();
    expect(toEslArgs(await command('record&duration'), 'demo')).toBeNull();
  });

  it('names the transfer target so control checks ownership of it too', async () => {
    expect((await planOf('transfer&Sales_2&19&20')).alsoControls).toBe('Sales_2');
    expect((await planOf('kick&19')).alsoControls).toBeUndefined();
  });

  it('sends dial with bgapi and a long wait; everything else with api', async () => {
    const ctx = { domain: 'example.com' };
    const dial = await planOf('dial&200', ctx);
    expect(dial).toMatchObject({ via: 'bgapi', startsConference: true });
    expect(dial.timeoutMs).toBeGreaterThanOrEqual(60_000);
    expect(await planOf('bgdial&200', ctx)).toMatchObject({ via: 'api', startsConference: true });
    expect(await planOf('mute&1')).toMatchObject({
      via: 'api',
      startsConference: false,
      timeoutMs: undefined,
    });
  });

  it('only the dialling commands start a conference, as <name>@<profile>', async () => {
    const ctx = { domain: 'example.com' };
    expect((await planOf('bgdial&200', ctx)).startArgs?.slice(0, 3)).toEqual([
      'conference',
      'demo@fs-confd',
      'bgdial',
    ]);
    expect((await planOf('invite&200', ctx)).startArgs?.[2]).toBe('bgdial');
    expect((await planOf('lock')).startArgs).toBeNull();
    expect((await planOf('lock')).args).toEqual(['conference', 'demo', 'lock']);
  });

  it('record waits until the live state shows the recording (or none)', async () => {
    const started = await planOf('record&take1.wav', { recordingsDir: '/var/rec' });
    expect(started.awaits).toEqual({ kind: 'recording', path: '/var/rec/take1.wav' });
    expect((await planOf('record&stop')).awaits).toEqual({ kind: 'no-recordings' });
    expect((await planOf('record&status')).awaits).toBeUndefined();
    expect((await planOf('mute&1')).awaits).toBeUndefined();
  });

  it('adds the configured conference profile to transfer targets', async () => {
    const cmd = await command('transfer&demo2&19', { conferenceProfile: 'fs-confd' });
    expect(conferenceCommandLine(cmd, 'demo')).toBe('conference demo transfer demo2@fs-confd 19');
    expect(await parse('transfer&demo2&19', { conferenceProfile: 'a b' })).toMatchObject({ ok: false });
  });

  it('marks transfer and the dialling commands with their extra permission', () => {
    const byName = new Map(commandDocs().map((d) => [d.name, d]));
    expect(byName.get('transfer')?.permission).toBe('owner-of-both-conferences');
    for (const name of ['dial', 'bgdial', 'invite', 'inviteim'] as const)
      expect(byName.get(name)?.permission).toBe('owner-within-dial-policy');
    expect(byName.get('mute')?.permission).toBe('owner');
    expect(byName.get('dial')?.usage).toBe('<destination> [<caller_id_number> [<caller_id_name>]]');
  });

  it('renders the table as Markdown docs, one row per command', () => {
    const md = commandTableMarkdown().split('\n');
    expect(md[0]).toBe('| command | arguments | what |');
    expect(md).toHaveLength(2 + commandDocs().length);
    expect(md).toContain('| lock | none | Lock the conference: nobody else can join. |');
    expect(md.find((row) => row.startsWith('| stop |'))).toContain(
      '`current\\|all\\|async\\|last [<member_id>]`',
    );
  });

  it('awaits asynchronous lookups', async () => {
    const ctx = {
      userExists: async (name: string) => name === '777',
      userByImId: async (im: string) => (im === 'x@y' ? '777' : undefined),
    };
    expect(conferenceCommandLine(await command('invite&777', ctx), 'demo')).toBe(
      'conference demo bgdial user/777@example.com 200 Alice',
    );
    expect(conferenceCommandLine(await command('inviteim&x%40y', ctx), 'demo')).toBe(
      'conference demo bgdial user/777@example.com 200 Alice',
    );
    // 200 is no user here: a number, dialled through the dialplan only if the dial policy allows it.
    expect(conferenceCommandLine(await command('invite&200', ctx), 'demo')).toBe(
      'conference demo bgdial loopback/200/default 200 Alice',
    );
    expect(await parse('invite&200', { ...ctx, dialPolicy: KNOWN_USERS_ONLY })).toMatchObject({
      ok: false,
      error: /not allowed by the dial policy/,
    });
  });
});

describe('invite of a phone number or SIP URI (click-to-call grammar, dial policy)', () => {
  const partnerPolicy = () => {
    const policy = compileDialPolicy(['loopback/+1*/pbx', 'sofia/external/*@partner.example.net']);
    if (!policy.ok) throw new Error(policy.error);
    return policy.value;
  };

  it.each([
    ['invite&%2B1%20(555)%20123-4567', 'bgdial loopback/+15551234567/pbx 200 Alice'],
    ['invite&tel%3A%2B1-555-123-4567', 'bgdial loopback/+15551234567/pbx 200 Alice'],
    ['invite&sip%3Abob%40partner.example.net', 'bgdial sofia/external/bob@partner.example.net 200 Alice'],
    ['invite&sip:401@EXAMPLE.com', 'bgdial user/401@example.com 200 Alice'],
    ['invite&sip:401@example.com;user=phone', 'bgdial user/401@example.com 200 Alice'],
    ['invite&401', 'bgdial user/401@example.com 200 Alice'],
  ])('%s → %s', async (tail, line) => {
    const cmd = await command(tail, { dialPolicy: partnerPolicy(), dialplanContext: 'pbx' });
    expect(conferenceCommandLine(cmd, 'demo')).toBe(`conference demo ${line}`);
    expect(cmd).toMatchObject({ name: 'invite', user: line.includes('user/') ? '401' : undefined });
  });

  it.each([
    ['invite&%2B4930123456', /loopback\/\+4930123456\/pbx is not allowed by the dial policy/],
    ['invite&sip:bob@evil.example.org', /outside our domains are not allowed/],
    ['invite&sip:bob@partner.example.net:5080', /outside our domains are not allowed/],
    ['invite&sips:bob@partner.example.net', /sips/],
    ['invite&sip:bob@partner.example.net?X-Evil=1', /SIP URI/],
    ['invite&sip:%0D%0A@partner.example.net', /control characters/],
    ['invite&user/401', /not a user, phone number or SIP URI/],
    ['invite&%7Borigination_caller_id_number=1%7D401', /not a user, phone number or SIP URI/],
    ['invite&401,402', /not a user, phone number or SIP URI/],
  ])('%s → 400 %s', async (tail, reason) => {
    expect(await parse(tail, { dialPolicy: partnerPolicy(), dialplanContext: 'pbx' })).toMatchObject({
      ok: false,
      status: 400,
      error: reason,
    });
  });

  it('refuses an unsafe dialplan context or SIP profile before either reaches a line', async () => {
    for (const overrides of [{ dialplanContext: 'a b' }, { sipProfile: 'x/y' }])
      expect(await parse('invite&%2B15551234567', overrides)).toMatchObject({
        ok: false,
        error: /configured safely/,
      });
  });
});

describe('caller ID for dial and invite', () => {
  it('uses the conference/owner default, joining the words of a name FreeSWITCH would cut', async () => {
    const cmd = await command('invite&401', { defaultCallerId: { number: '3000', name: 'Team Call' } });
    expect(conferenceCommandLine(cmd, 'demo')).toBe(
      'conference demo bgdial user/401@example.com 3000 Team_Call',
    );
  });

  it('drops defaults outside the grammar instead of sending them', async () => {
    const cmd = await command('dial&200', { defaultCallerId: { number: '1{2}', name: 'x' } });
    expect(conferenceCommandLine(cmd, 'demo')).toBe('conference demo dial user/200@example.com');
    const noDefault = await command('dial&200', { defaultCallerId: undefined });
    expect(conferenceCommandLine(noDefault, 'demo')).toBe('conference demo dial user/200@example.com');
  });
});

describe('conference names on the line', () => {
  it('refuses say/saymember where FreeSWITCH would cut the text in the wrong place', async () => {
    expect(await parse('say&hello', { conferenceName: 'essays' })).toMatchObject({
      ok: false,
      error: /contains "say"/,
    });
    expect(await parse('saymember&13&hi', { conferenceName: 'saymember1' })).toMatchObject({ ok: false });
    const say = await command('say&hello');
    expect(() => toEslArgs(say, 'essays')).toThrow(UnsafeEslLineError);
    expect(conferenceCommandLine(await command('mute&1', { conferenceName: 'essays' }), 'essays')).toBe(
      'conference essays mute 1',
    );
  });

  it('refuses to build a line for an unsafe conference name', async () => {
    const mute = await command('mute&13');
    for (const name of ['', 'a b', 'a\nb', 'x@default', '{x}', 'a'.repeat(65)])
      expect(() => toEslArgs(mute, name)).toThrow(UnsafeEslLineError);
    expect(await parse('mute&13', { conferenceName: 'a b' })).toMatchObject({ ok: false });
  });
});

describe('configuration is checked before it reaches a line', () => {
  it.each([
    ['play&x.wav', { soundDir: 'relative/sounds' }],
    ['play&x.wav', { soundDir: '/opt/../etc' }],
    ['record', { recordingsDir: '/tmp/rec ordings' }],
    ['dial&200', { domain: 'example.com;x' }],
    ['invite&200', { domain: '' }],
  ])('%s with %j → 400', async (tail, overrides) => {
    expect(await parse(tail, overrides)).toMatchObject({ ok: false, error: /configured safely/ });
  });
});
