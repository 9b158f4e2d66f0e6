// The pure parts of the conference command route: what status FreeSWITCH's reply means (texts as
// FreeSWITCH 1.11.2 writes them, see ../shared/fs-transcripts), recorded seconds, the caller ID calls
// from a conference carry, and which commands need the SIP domain.
import { describe, expect, it } from 'vitest';
import { recordedSeconds } from '../../src/control/conference-commands.js';
import { isUsageText, replyStatus, replyText } from '../../src/control/command-reply.js';
import { conferenceCallerId, dialsOut } from '../../src/control/command-context.js';
import { readTranscriptBytes } from '../helpers/transcripts.js';
import { splitFrames } from '../../src/esl/frames.js';

describe('FreeSWITCH reply → status', () => {
  it.each([
    ['+OK mute 13\n', 'mute', 200],
    ['+OK mute 13\n+OK mute 14\n', 'mute', 200],
    ['Energy 13 = 300\n', 'energy', 200],
    ['31;loopback/3900-b;60bd7e03;Carol;1003;hear;0;0;100\n', 'list', 200],
    ['<?xml version="1.0"?>\n<conferences>\n</conferences>\n', 'xml_list', 200],
    ['', 'mute', 200], // `mute all` with nobody to mute
    ['Stopped recording file /r/a.wav\n+OK Stopped recording 0 files\n', 'norecord', 200],
    ['+OK Stopped recording 0 files\n', 'norecord', 200],
    ["+OK Member '5' sent to conference b.\n-ERR No Member 6 in conference a.\n", 'transfer', 200],
    ['-ERR Non-Existant ID 999\n', 'mute', 404],
    ['-ERR Member: 9 not found.\n', 'play', 404],
    ['-ERR No Member 6 in conference a.\n', 'transfer', 404],
    ['-ERR relationship 1->2 not found.\n', 'relate', 404],
    ["-ERR non-existant recording '/r/a.wav'\n+OK Stopped recording 0 files\n", 'norecord', 404],
    ['-ERR (saymember) Unknown Member 9!\nsaymember <member_id> <text>', 'saymember', 404],
    ['-ERR Conference demo not found\n', 'lock', 404],
    ['-ERR file [/r/a.wav] is already being used for recording.\n', 'record', 400],
    ['-ERR (say) Error!\nsay <text>', 'say', 400],
    [
      '-ERR Bad Args\nbgdial <endpoint_module_name>/<destination> <callerid number> <callerid name>',
      'bgdial',
      400,
    ],
    ['mute <[member_id|all]|last|non_moderator> [<quiet>]', 'mute', 400],
    ['-ERR Invalid input!\n', 'dtmf', 400],
  ] as const)('%j (%s) → %i', (reply, command, status) => {
    expect(replyStatus(reply, command)).toBe(status);
  });

  it('recognises the usage reply recorded from FreeSWITCH (`conference demo mute`)', () => {
    const usage = splitFrames(readTranscriptBytes('api-responses')).frames.find(
      (f) => f.headers['Content-Type'] === 'api/response' && f.body.startsWith('mute '),
    )?.body;
    expect(usage).toBe('mute <[member_id|all]|last|non_moderator> [<quiet>]');
    expect(isUsageText(usage!, 'mute')).toBe(true);
    expect(isUsageText('+OK mute 13\n', 'mute')).toBe(false);
    expect(isUsageText('1;mute <x>;...', 'mute')).toBe(false);
  });

  it('the body text drops only the trailing line break', () => {
    expect(replyText('+OK mute 13\n')).toBe('+OK mute 13');
    expect(replyText('a\nb\n\n')).toBe('a\nb');
  });
});

describe('recorded seconds', () => {
  it('counts whole seconds from the oldest running recording, 0 when none', () => {
    expect(recordedSeconds([], 10_000)).toBe(0);
    const r = (startedAt: number) => ({ path: '/r/x.wav', startedAt, paused: false });
    expect(recordedSeconds([r(1_000)], 5_999)).toBe(4);
    expect(recordedSeconds([r(3_000), r(1_000)], 11_000)).toBe(10);
    expect(recordedSeconds([r(9_000)], 8_000)).toBe(0); // clock skew never goes negative
  });
});

describe('caller ID of calls a conference places', () => {
  it('is the extension and the description as one word, else the conference name', () => {
    expect(conferenceCallerId({ name: 'team', extension: '3000', description: 'Alice weekly' })).toEqual({
      number: '3000',
      name: 'Alice_weekly',
    });
    expect(conferenceCallerId({ name: 'team', extension: '3000', description: '' })).toEqual({
      number: '3000',
      name: 'team',
    });
    expect(conferenceCallerId({ name: 'team', extension: '3000', description: 'Q&A {x}' })).toEqual({
      number: '3000',
      name: 'team',
    });
  });
});

describe('commands that need the SIP domain', () => {
  it('are the dialling ones, however the command word is written', () => {
    for (const tail of ['dial&200', 'bgdial&user/200', 'invite&200', 'inviteim&alice', 'DIAL&1', '%64ial&1'])
      expect(dialsOut(tail), tail).toBe(true);
    for (const tail of ['mute&1', 'record', '', '%ZZ', 'dial%0A&1', 'transfer&x&1'])
      expect(dialsOut(tail), tail).toBe(false);
  });
});
