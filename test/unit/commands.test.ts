// Every conference command of API.md: valid URLs and the exact ESL line they become, invalid URLs and
// why they are refused. The table below must cover every entry of CONFERENCE_COMMANDS both ways.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFERENCE_COMMANDS } from '../../src/domain/commands.js';
import { conferenceCommandLine, parseConferenceCommand } from '../../src/domain/conference-command.js';
import { makeCommandContext } from '../helpers/command-context.js';

type Valid = [tail: string, line: string | null];
type Invalid = [tail: string, reason: RegExp];

const REC = '/var/lib/fs-confd/recordings';
const SND = '/usr/share/freeswitch/sounds';

const VALID: Record<string, Valid[]> = {
  mute: [
    ['mute&13', 'mute 13'],
    ['mute&all', 'mute all'],
    ['MUTE&Last', 'mute last'],
    ['mute&2147483647', 'mute 2147483647'],
  ],
  unmute: [
    ['unmute&13', 'unmute 13'],
    ['unmute&all', 'unmute all'],
  ],
  deaf: [
    ['deaf&13', 'deaf 13'],
    ['deaf&last', 'deaf last'],
  ],
  undeaf: [['undeaf&13', 'undeaf 13']],
  kick: [
    ['kick&all', 'kick all'],
    ['kick&15', 'kick 15'],
  ],
  hup: [
    ['hup&16', 'hup 16'],
    ['hup&all', 'hup all'],
  ],
  tmute: [
    ['tmute&13', 'tmute 13'],
    ['tmute&last', 'tmute last'],
  ],
  energy: [
    ['energy&15&300', 'energy 15 300'],
    ['energy&15', 'energy 15'],
    ['energy&all&1800', 'energy all 1800'],
    ['energy&15&up', 'energy 15 up'],
    ['energy&15&0', 'energy 15 0'],
  ],
  volume_in: [
    ['volume_in&13&2', 'volume_in 13 2'],
    ['volume_in&13', 'volume_in 13'],
    ['volume_in&13&%2B4', 'volume_in 13 4'],
    ['volume_in&13&-0', 'volume_in 13 0'],
  ],
  volume_out: [
    ['volume_out&13&-1', 'volume_out 13 -1'],
    ['volume_out&last&-4', 'volume_out last -4'],
    ['volume_out&13&down', 'volume_out 13 down'],
  ],
  dtmf: [
    ['dtmf&13&123', 'dtmf 13 123'],
    ['dtmf&all&%23*0D', 'dtmf all #*0D'],
    ['dtmf&13&abcd', 'dtmf 13 ABCD'],
  ],
  lock: [['lock', 'lock']],
  unlock: [['unlock', 'unlock']],
  nopin: [['nopin', 'nopin']],
  pin: [
    ['pin&1234', 'pin 1234'],
    ['pin&0000000000000000', 'pin 0000000000000000'],
  ],
  play: [
    ['play&tone_stream://%25(1500,0,800)', 'play tone_stream://%(1500,0,800)'],
    ['play&tone_stream://L=3;%25(100,100,350,440);v=-7', 'play tone_stream://L=3;%(100,100,350,440);v=-7'],
    ['play&silence_stream://1000', 'play silence_stream://1000'],
    ['play&ivr/ivr-welcome.wav', `play ${SND}/ivr/ivr-welcome.wav`],
    ['play&conference%2Fconf-pin.wav&13', `play ${SND}/conference/conf-pin.wav 13`],
    ['play&conf-alone&async', `play ${SND}/conf-alone async`],
  ],
  stop: [
    ['stop&all', 'stop all'],
    ['stop&current&13', 'stop current 13'],
    ['stop&async', 'stop async'],
    ['stop&last', 'stop current'],
  ],
  say: [
    ['say&hello%20world', 'say hello world'],
    ['say&%20%20Gr%C3%BC%C3%9F%20%20Gott!%20', 'say Grüß Gott!'],
    ['say&Meeting%20ends%20in%205%20minutes.', 'say Meeting ends in 5 minutes.'],
  ],
  saymember: [['saymember&13&you%20are%20muted', 'saymember 13 you are muted']],
  relate: [
    ['relate&13&14&nospeak', 'relate 13 14 nospeak'],
    ['relate&13&14&NOHEAR', 'relate 13 14 nohear'],
    ['relate&14&13&clear', 'relate 14 13 clear'],
  ],
  transfer: [
    ['transfer&demo2&19', 'transfer demo2 19'],
    ['transfer&team.b&19&20&21', 'transfer team.b 19 20 21'],
  ],
  dial: [
    ['dial&loopback/9991/default&1005&Eve', 'dial loopback/9991/default 1005 Eve'],
    ['dial&200', 'dial user/200@example.com 200 Alice'],
    ['dial&user%2F401', 'dial user/401@example.com 200 Alice'],
    ['dial&user/401@EXAMPLE.com&%2B15551234', 'dial user/401@example.com +15551234 Alice'],
    ['dial&sofia/gateway/pstn/+15551234567', 'dial sofia/gateway/pstn/+15551234567 200 Alice'],
  ],
  bgdial: [
    ['bgdial&loopback/9991/default&1006&Frank', 'bgdial loopback/9991/default 1006 Frank'],
    ['bgdial&bob.smith', 'bgdial user/bob.smith@example.com 200 Alice'],
  ],
  invite: [
    ['invite&401', 'bgdial user/401@example.com 200 Alice'],
    ['invite&sip%3A401%40example.com', 'bgdial user/401@example.com 200 Alice'],
    // Numbers and unknown extensions go through the dialplan; the test policy allows loopback/*/default.
    ['invite&9991', 'bgdial loopback/9991/default 200 Alice'],
    ['invite&%2B1%20(555)%20123-4567', 'bgdial loopback/+15551234567/default 200 Alice'],
  ],
  inviteim: [
    ['inviteim&401im', 'bgdial user/401@example.com 200 Alice'],
    ['inviteim&bob%40im.example.com', 'bgdial user/bob.smith@example.com 200 Alice'],
  ],
  record: [
    ['record', `record ${REC}/demo-20261122T101500.123Z.wav`],
    ['record&start', `record ${REC}/demo-20261122T101500.123Z.wav`],
    ['record&minutes', `record ${REC}/minutes.wav`],
    ['record&Board-Meeting_2026.01.mp3', `record ${REC}/Board-Meeting_2026.01.mp3`],
    ['record&notes.FLAC', `record ${REC}/notes.FLAC`],
    ['record&stop', 'norecord all'],
    ['record&STOP', 'norecord all'],
    ['record&status', null],
    ['record&duration', null],
  ],
  norecord: [
    ['norecord&all', 'norecord all'],
    ['norecord&minutes.wav', `norecord ${REC}/minutes.wav`],
    ['norecord&demo-20261122T101500.123Z.wav', `norecord ${REC}/demo-20261122T101500.123Z.wav`],
    [
      `norecord&${encodeURIComponent(`${REC}/demo-20261122T101500.123Z.wav`)}`,
      `norecord ${REC}/demo-20261122T101500.123Z.wav`,
    ],
  ],
  list: [['list', 'list']],
  xml_list: [['xml_list', 'xml_list']],
};

const INVALID: Record<string, Invalid[]> = {
  mute: [
    ['mute', /missing/],
    ['mute&0', /member/],
    ['mute&-1', /member/],
    ['mute&2147483648', /member/],
    ['mute&013', /member/],
    ['mute&13&quiet', /too many/],
    ['mute&non_moderator', /member/],
    ['mute&1e3', /member/],
  ],
  unmute: [
    ['unmute&x', /member/],
    ['unmute', /missing/],
  ],
  deaf: [
    ['deaf&13%0A', /control/],
    ['deaf&13 ', /member/],
  ],
  undeaf: [['undeaf&%7B13%7D', /member/]],
  kick: [
    ['kick&13&/tmp/bye.wav', /too many/],
    ['kick&', /empty/],
  ],
  hup: [
    ['hup&13%00', /control/],
    ['hup&99999999999', /member/],
  ],
  tmute: [
    ['tmute', /missing/],
    ['tmute&%E2%80%A813', /control/],
  ],
  energy: [
    ['energy&15&1801', /0\.\.1800/],
    ['energy&15&-1', /0\.\.1800/],
    ['energy&15&3e2', /0\.\.1800/],
    ['energy&15&300&1', /too many/],
    ['energy', /missing/],
  ],
  volume_in: [
    ['volume_in&13&5', /-4\.\.4/],
    ['volume_in&13&2.5', /-4\.\.4/],
    ['volume_in&13&0x1', /-4\.\.4/],
  ],
  volume_out: [
    ['volume_out&13&-5', /-4\.\.4/],
    ['volume_out&13&%20-1', /-4\.\.4/],
  ],
  dtmf: [
    ['dtmf&13', /missing/],
    ['dtmf&13&12E', /DTMF/],
    ['dtmf&13&1%202', /DTMF/],
    ['dtmf&13&' + '1'.repeat(65), /DTMF/],
  ],
  lock: [
    ['lock&now', /too many/],
    ['lock&', /empty/],
  ],
  unlock: [['unlock&1', /too many/]],
  nopin: [['nopin&1234', /too many/]],
  pin: [
    ['pin', /missing/],
    ['pin&12a4', /PIN/],
    ['pin&' + '1'.repeat(17), /PIN/],
    ['pin&mod&1234', /too many/],
  ],
  play: [
    ['play', /missing/],
    ['play&..%2F..%2Fetc%2Fpasswd', /\.\./],
    ['play&%2Fetc%2Fpasswd', /absolute/],
    ['play&http://evil/x.wav', /only tone_stream/],
    ['play&say:hello', /only tone_stream/],
    ['play&file_string://a.wav!b.wav', /only tone_stream/],
    ['play&%7Bvar=1%7Dx.wav', /letters, digits/],
    ['play&a%20b.wav', /letters, digits/],
    ['play&.hidden.wav', /letters, digits/],
    ['play&tone_stream://%25(1500,0,800)%3Bx=1', /tone_stream/],
    ['play&tone_stream://%25(1,1,1,1,1,1,1)', /tone_stream/],
    ['play&silence_stream://abc', /silence_stream/],
    ['play&x.wav&0', /member/],
    ['play&x.wav&13&nomux', /too many/],
  ],
  stop: [
    ['stop', /missing/],
    ['stop&everything', /expected one of/],
    ['stop&all&x', /member/],
  ],
  say: [
    ['say', /missing/],
    ['say&%24%7Bsystem(rm)%7D', /only letters/],
    ['say&it%27s', /only letters/],
    ['say&a%5Cn', /only letters/],
    ['say&%20%20', /empty/],
    ['say&' + 'a'.repeat(257), /longer/],
    ['say&hello&world', /too many/],
    ['say&x%0D%0Aapi%20status', /control/],
  ],
  saymember: [
    ['saymember&13', /missing/],
    ['saymember&x&hi', /member/],
    ['saymember&13&%3Cb%3E', /only letters/],
  ],
  relate: [
    ['relate&13&14', /missing/],
    ['relate&13&14&mute', /expected one of/],
    ['relate&13&13&clear', /itself/],
    ['relate&13&14&nospeak,nohear', /expected one of/],
  ],
  transfer: [
    ['transfer&demo2', /missing/],
    ['transfer&demo', /missing/],
    ['transfer&demo&19', /this conference/],
    ['transfer&demo2@other&19', /conference name/],
    ['transfer&demo2&19&19', /twice/],
    ['transfer&demo2&all', /member/],
    ['transfer&' + 'x'.repeat(65) + '&19', /conference name/],
    ['transfer&demo2&' + Array.from({ length: 21 }, (_, i) => i + 1).join('&'), /too many/],
  ],
  dial: [
    ['dial', /missing/],
    ['dial&999', /unknown user/],
    ['dial&%7Borigination_caller_id_number=1%7Duser/200', /dial string/],
    ['dial&sofia/internal/1000@127.0.0.1:5076', /dial policy/],
    ['dial&loopback/9991/default,sofia/gateway/x/1', /dial string/],
    ['dial&loopback/9991/default|loopback/1/default', /dial string/],
    ['dial&loopback/9991/default:_:loopback/1/default', /dial string/],
    ['dial&%5Bleg_timeout=1%5Dloopback/9991/default', /dial string/],
    ['dial&user/200@evil.example.org', /dial policy/],
    ['dial&loopback/9991/default&1005&Eve%20Smith', /caller id name/],
    ['dial&loopback/9991/default&10%2705', /caller id number/],
    ['dial&loopback/9991/default&1&2&3', /too many/],
  ],
  bgdial: [
    ['bgdial&vlc/http://x', /dial string/],
    ['bgdial&loopback/9991/default&%7Bx%7D', /caller id number/],
  ],
  invite: [
    ['invite', /missing/],
    ['invite&sip:999@evil.example.org', /dial policy/],
    ['invite&user/200', /not a user, phone number or SIP URI/],
    ['invite&loopback/9991/default', /not a user, phone number or SIP URI/],
    ['invite&sips:200@example.com', /sips/],
    ['invite&200&300', /too many/],
  ],
  inviteim: [
    ['inviteim&nobody', /unknown user/],
    ['inviteim&a%20b', /IM id/],
  ],
  record: [
    ['record&/tmp/x.wav', /no directory/],
    ['record&%2Ftmp%2Fx.wav', /no directory/],
    ['record&..%2Fx.wav', /no directory/],
    ['record&a..b.wav', /no directory/],
    ['record&.hidden.wav', /no directory/],
    ['record&x%5Cy.wav', /no directory/],
    ['record&x%20y.wav', /no directory/],
    ['record&x.exe', /\.wav, \.mp3, \.flac/],
    ['record&x.wav.sh', /\.wav, \.mp3, \.flac/],
    ['record&other-20261122T101500.123Z.wav', /daemon's own/],
    ['record&' + 'a'.repeat(129), /1-128 characters/],
    ['record&stop&now', /too many/],
  ],
  norecord: [
    ['norecord', /missing/],
    ['norecord&/tmp/x.wav', /daemon started/],
    ['norecord&other-20261122T101500.123Z.wav', /daemon started/],
    ['norecord&minutes', /daemon started/],
    ['norecord&%2Ftmp%2Fminutes.wav', /daemon started/],
    ['norecord&..%2Fdemo-20261122T101500.123Z.wav', /daemon started/],
  ],
  list: [['list&count', /too many/]],
  xml_list: [['xml_list&demo', /too many/]],
};

describe('conference command table', () => {
  it('has every command of API.md, and the test table covers each one both ways', () => {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const api = readFileSync(path.resolve(here, '../../../shared/API.md'), 'utf8');
    const section = api.slice(api.indexOf('## Conference commands'), api.indexOf('## Conference settings'));
    const fromApi = [...section.matchAll(/^\| ([a-z_, ]+) \|/gm)]
      .flatMap((m) => (m[1] ?? '').split(',').map((s) => s.trim()))
      .filter((s) => s !== 'command');
    const names = CONFERENCE_COMMANDS.map((c) => c.name);
    expect(fromApi.length).toBeGreaterThanOrEqual(29);
    expect([...names].sort()).toEqual([...new Set(fromApi)].sort());
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(VALID[name]?.length, `valid cases for ${name}`).toBeGreaterThan(0);
      expect(INVALID[name]?.length, `invalid cases for ${name}`).toBeGreaterThan(0);
    }
  });

  for (const [name, cases] of Object.entries(VALID)) {
    it.each(cases)(`${name}: %s → %s`, async (tail, line) => {
      const parsed = await parseConferenceCommand(tail, makeCommandContext());
      if (!parsed.ok) throw new Error(parsed.error);
      expect(parsed.command.name).toBe(name);
      expect(conferenceCommandLine(parsed.command, 'demo')).toBe(
        line === null ? null : `conference demo ${line}`,
      );
    });
  }

  for (const [name, cases] of Object.entries(INVALID)) {
    it.each(cases)(`${name}: refuses %s`, async (tail, reason) => {
      const parsed = await parseConferenceCommand(tail, makeCommandContext());
      expect(parsed.ok).toBe(false);
      if (parsed.ok) return;
      expect(parsed.status).toBe(400);
      expect(parsed.error).toMatch(reason);
    });
  }
});
