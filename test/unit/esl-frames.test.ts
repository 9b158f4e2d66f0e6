import { describe, expect, it } from 'vitest';
import { EslFrameSplitter, splitFrames, EslFramingError } from '../../src/esl/frames.js';
import { decodeEventFrame, isEventFrame, safeUrlDecode } from '../../src/esl/events.js';
import { readTranscriptBytes, TRANSCRIPT_NAMES } from '../helpers/transcripts.js';

describe('ESL framing against the real transcripts', () => {
  for (const name of TRANSCRIPT_NAMES) {
    it(`${name}: splits every byte into frames, none left over`, () => {
      const bytes = readTranscriptBytes(name);
      const { frames, rest } = splitFrames(bytes);
      expect(rest).toBe(0);
      expect(frames.length).toBeGreaterThan(0);
      for (const f of frames) expect(f.headers['Content-Type']).toMatch(/^[a-z]+\/[a-z-]+$/);
    });

    it(`${name}: gives the same frames when fed one byte-chunk of 7 at a time`, () => {
      const bytes = readTranscriptBytes(name);
      const whole = splitFrames(bytes).frames;
      const splitter = new EslFrameSplitter();
      const pieces = [];
      for (let i = 0; i < bytes.length; i += 7) pieces.push(...splitter.push(bytes.subarray(i, i + 7)));
      expect(pieces).toEqual(whole);
    });
  }

  it('decodes every event of the JSON and plain conference transcripts into the same events (timing aside)', () => {
    const names = (file: string) =>
      splitFrames(readTranscriptBytes(file))
        .frames.filter(isEventFrame)
        .map((f) => {
          const r = decodeEventFrame(f);
          if (!r.ok) throw new Error(r.error);
          return `${r.event.name}/${r.event.subclass ?? ''}/${r.event.headers['Action'] ?? ''}`;
        });
    const plain = names('conference-plain');
    const json = names('conference-json');
    expect(plain.length).toBeGreaterThan(50);
    // The two recordings are separate runs: media events (play-file-done) interleave differently.
    expect([...plain].sort()).toEqual([...json].sort());
  });

  it('plain values are url-decoded, including the CUSTOM subclass', () => {
    const frame = splitFrames(readTranscriptBytes('conference-plain')).frames.find(isEventFrame)!;
    const r = decodeEventFrame(frame);
    expect(r.ok && r.event.subclass).toBe('conference::maintenance');
    expect(r.ok && r.event.headers['Event-Date-GMT']).toMatch(/^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/);
  });

  it('BACKGROUND_JOB bodies survive both formats', () => {
    for (const file of ['calls-plain', 'calls-json']) {
      const jobs = splitFrames(readTranscriptBytes(file))
        .frames.filter(isEventFrame)
        .map(decodeEventFrame)
        .filter((r) => r.ok && r.event.name === 'BACKGROUND_JOB');
      expect(jobs.length).toBeGreaterThan(3);
      for (const j of jobs) expect(j.ok && j.event.body).toMatch(/^(\+OK [0-9a-f-]{36}\n|-ERR [A-Z_]+\n)$/);
    }
  });
});

describe('hostile input', () => {
  it('a stray % (Latin-1 caller name) never throws', () => {
    expect(safeUrlDecode('Jos%E9')).toBe('Jos%E9');
    expect(safeUrlDecode('Jos%C3%A9%20%E9x%')).toBe('José %E9x%');
    expect(safeUrlDecode('100%')).toBe('100%');
  });

  it('broken JSON and nameless events are decode errors, not exceptions', () => {
    const bad = decodeEventFrame({ headers: { 'Content-Type': 'text/event-json' }, body: '{"Event-Name":' });
    expect(bad.ok).toBe(false);
    const nameless = decodeEventFrame({ headers: { 'Content-Type': 'text/event-plain' }, body: 'A: b\n\n' });
    expect(nameless.ok).toBe(false);
  });

  it('a bad Content-Length is a framing error', () => {
    const s = new EslFrameSplitter();
    expect(() => s.push(Buffer.from('Content-Length: -5\nContent-Type: x/y\n\n'))).toThrow(EslFramingError);
  });

  it('counts Content-Length in bytes, not characters', () => {
    const body = 'José\n';
    const bytes = Buffer.from(
      `Content-Type: api/response\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}Content-Type: auth/request\n\n`,
    );
    const { frames, rest } = splitFrames(bytes);
    expect(rest).toBe(0);
    expect(frames.map((f) => f.body)).toEqual([body, '']);
  });
});
