// The pure parts of recordings: which file names are a conference's, when they say it started, how
// long a WAV plays (also while it is still being written), and the Range header.
import { describe, expect, it } from 'vitest';
import { byteRange } from '../../src/http/byte-range.js';
import { recordingContentType, recordingOf } from '../../src/domain/recording-files.js';
import { durationOfWav } from '../../src/domain/wav-duration.js';
import { wavHeader } from '../../src/sim/recording-files.js';

describe('recording file names', () => {
  it.each([
    ['team-20261122T101500.123Z.wav', 'team', 'record', Date.UTC(2026, 10, 22, 10, 15, 0, 123)],
    ['team_2026-11-22-10-15-00.wav', 'team', 'autorecord', new Date(2026, 10, 22, 10, 15, 0).getTime()],
    ['team-2-20261122T101500.123Z.wav', 'team-2', 'record', Date.UTC(2026, 10, 22, 10, 15, 0, 123)],
    ['a.b_c-20260101T000000.000Z.wav', 'a.b_c', 'record', Date.UTC(2026, 0, 1)],
  ])('%s belongs to %s (%s)', (file, conf, source, at) => {
    expect(recordingOf(file, conf)).toEqual({ source, startedAt: at });
  });

  it.each([
    ['team-2-20261122T101500.123Z.wav', 'team'], // team-2's, not team's
    ['team-20261122T101500.123Z.wav', 'team-2'],
    ['team-20261322T101500.123Z.wav', 'team'], // month 13
    ['team-20260230T101500.123Z.wav', 'team'], // 30 February
    ['team_2026-11-22-25-00-00.wav', 'team'], // hour 25
    ['team-20261122T101500.123Z.mp3', 'team'], // the daemon records .wav
    ['team-20261122T101500.123Z.wav', '..'],
    ['../team-20261122T101500.123Z.wav', 'team'],
    ['.team-20261122T101500.123Z.wav', 'team'],
    ['team-20261122T101500.123Z.wav/x.wav', 'team'],
    ['other.wav', 'team'],
  ])('%s is not %s’s', (file, conf) => {
    expect(recordingOf(file, conf)).toBeUndefined();
  });

  it('a file FreeSWITCH reported recording to counts for that conference only, if its name is plain', () => {
    const seen = new Map([
      ['board.wav', 1000],
      ['../x.wav', 2000],
    ]);
    expect(recordingOf('board.wav', 'team', seen)).toEqual({ source: 'file', startedAt: 1000 });
    expect(recordingOf('board.wav', 'sales')).toBeUndefined();
    expect(recordingOf('../x.wav', 'team', seen)).toBeUndefined();
    expect(recordingContentType('board.wav')).toBe('audio/wav');
    expect(recordingContentType('board.mp3')).toBe('audio/mpeg');
  });
});

describe('WAV duration', () => {
  const withData = (ms: number) => Buffer.concat([wavHeader(ms * 16), Buffer.alloc(ms * 16)]);

  it('from the data chunk and the byte rate, past a JUNK chunk', () => {
    const file = withData(1500);
    expect(durationOfWav(file.subarray(0, 4096), file.length)).toBe(1500);
  });

  it('while still written: data size 0 (or larger than the file) means what the file holds', () => {
    const growing = Buffer.concat([wavHeader(0), Buffer.alloc(16 * 250)]);
    expect(durationOfWav(growing, growing.length)).toBe(250);
    const claims = Buffer.concat([wavHeader(16 * 10_000), Buffer.alloc(16 * 100)]);
    expect(durationOfWav(claims, claims.length)).toBe(100);
  });

  it('undefined for what is not a WAV header', () => {
    expect(durationOfWav(Buffer.from('ID3\x03 not a wave'), 100)).toBeUndefined();
    expect(durationOfWav(Buffer.alloc(0), 0)).toBeUndefined();
    const noFmt = Buffer.from('RIFF\x04\x00\x00\x00WAVEdata\x00\x00\x00\x00', 'latin1');
    expect(durationOfWav(noFmt, noFmt.length)).toBeUndefined();
    // a chunk size that runs off the end stops the walk
    const runaway = Buffer.from('RIFF\x04\x00\x00\x00WAVEJUNK\xff\xff\xff\x7f', 'latin1');
    expect(durationOfWav(runaway, runaway.length)).toBeUndefined();
  });
});

describe('Range', () => {
  it.each([
    [undefined, { kind: 'whole' }],
    ['bytes=0-99', { kind: 'part', start: 0, end: 99 }],
    ['bytes=100-', { kind: 'part', start: 100, end: 999 }],
    ['bytes=-10', { kind: 'part', start: 990, end: 999 }],
    ['bytes=-5000', { kind: 'part', start: 0, end: 999 }],
    ['bytes=900-5000', { kind: 'part', start: 900, end: 999 }],
    ['bytes=1000-', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=5-3', { kind: 'whole' }],
    ['bytes=0-1,3-4', { kind: 'whole' }],
    ['bytes=-', { kind: 'whole' }],
    ['items=0-1', { kind: 'whole' }],
    ['bytes=99999999999999999999-', { kind: 'whole' }],
  ])('%s of 1000 bytes', (header, expected) => {
    expect(byteRange(header, 1000)).toEqual(expected);
  });
});
