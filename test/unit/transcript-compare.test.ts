import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EslFrame } from '../../src/esl/frames.js';
import { encodeEventFrame } from '../../src/sim/wire.js';
import type { SimEvent } from '../../src/sim/types.js';
import { readTranscriptBytes } from '../helpers/transcripts.js';
import { compareFrames, eventOfFrame, framesOf, shapeOf } from '../helpers/transcript-compare.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Rewrites the events of a frame list; other frames go through `other` (unchanged by default). */
function mapEvents(
  frames: EslFrame[],
  format: 'plain' | 'json',
  fn: (e: SimEvent, i: number) => SimEvent | null,
  other: (v: string) => string = (v) => v,
): EslFrame[] {
  const out: string[] = [];
  frames.forEach((f, i) => {
    const event = eventOfFrame(f);
    if (!event) {
      const body = other(f.body);
      const headers = Object.entries(f.headers).map(([k, v]) =>
        k === 'Content-Length' ? `${k}: ${Buffer.byteLength(body)}\n` : `${k}: ${other(v)}\n`,
      );
      out.push(`${headers.join('')}\n${body}`);
      return;
    }
    const changed = fn(event, i);
    if (changed) out.push(encodeEventFrame(changed, format));
  });
  return framesOf(out.join(''));
}

/** What another run would look like: fresh UUIDs (consistently), later times, other sequence numbers. */
function swapper(ids: Map<string, string>): (v: string) => string {
  return (v) =>
    v
      .replace(UUID, (id) => ids.get(id) ?? (ids.set(id, randomUUID()), ids.get(id)!))
      .replace(/\b17953\d{11}\b/g, (t) => String(Number(t) + 86_400_000_123))
      .replace('12:2', '13:4');
}

function anotherRun(e: SimEvent, swap: (v: string) => string): SimEvent {
  return {
    headers: e.headers.map(([n, v]) => [n, n === 'Event-Sequence' ? String(Number(v) + 99_000) : swap(v)]),
    ...(e.body === undefined ? {} : { body: swap(e.body) }),
  };
}

const plainFrames = framesOf(readTranscriptBytes('conference-plain'));
const firstEventIndex = plainFrames.findIndex((f) => eventOfFrame(f));

describe('transcript comparator', () => {
  it('accepts a transcript against itself', () => {
    expect(compareFrames(plainFrames, plainFrames)).toEqual({ ok: true });
  });

  it('accepts another run: other UUIDs, timestamps, dates, sequence numbers and Content-Lengths', () => {
    for (const [file, format] of [
      ['conference-plain', 'plain'],
      ['calls-json', 'json'],
    ] as const) {
      const frames = framesOf(readTranscriptBytes(file));
      const swap = swapper(new Map());
      const other = mapEvents(frames, format, (e) => anotherRun(e, swap), swap);
      expect(compareFrames(frames, other)).toEqual({ ok: true });
    }
  });

  it('reports a missing header, naming the frame and the header', () => {
    const broken = mapEvents(plainFrames, 'plain', (e, i) =>
      i === firstEventIndex ? { ...e, headers: e.headers.filter(([n]) => n !== 'Conference-Size') } : e,
    );
    const result = compareFrames(plainFrames, broken);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(
      new RegExp(
        `frame ${firstEventIndex} .*CUSTOM conference::maintenance conference-create.*Conference-Size is missing`,
      ),
    );
  });

  it('reports reordered headers', () => {
    const broken = mapEvents(plainFrames, 'plain', (e, i) => {
      if (i !== firstEventIndex) return e;
      const headers = [...e.headers];
      [headers[0], headers[1]] = [headers[1]!, headers[0]!];
      return { ...e, headers };
    });
    const result = compareFrames(plainFrames, broken);
    expect(!result.ok && result.message).toMatch(/should be Event-Subclass but is Event-Name; .*reordered/);
  });

  it('reports a changed value that is not a UUID, time or counter', () => {
    const broken = mapEvents(plainFrames, 'plain', (e) => ({
      ...e,
      headers: e.headers.map(([n, v]) => [
        n,
        n === 'Caller-Caller-ID-Name' && v === 'Outbound Call' ? 'Alice' : v,
      ]),
    }));
    const result = compareFrames(plainFrames, broken);
    expect(!result.ok && result.message).toMatch(
      /Caller-Caller-ID-Name differs[\s\S]*"Outbound Call"[\s\S]*"Alice"/,
    );
  });

  it('reports a UUID that does not track the transcript (same id where the transcript had two)', () => {
    const core = 'fd973cfc-5247-4a7f-b855-7b45a30a5e40';
    const broken = mapEvents(plainFrames, 'plain', (e) => ({
      ...e,
      headers: e.headers.map(([n, v]) => [n, n === 'Conference-Unique-ID' ? core : v]),
    }));
    const result = compareFrames(plainFrames, broken);
    expect(!result.ok && result.message).toMatch(/Conference-Unique-ID: UUID .* does not correspond/);
    expect(compareFrames(plainFrames, broken, { consistentUuids: false })).toEqual({ ok: true });
  });

  it('reports missing, extra and retyped frames', () => {
    const fewer = compareFrames(plainFrames, plainFrames.slice(0, -1));
    expect(!fewer.ok && fewer.message).toMatch(/is missing: got \d+ of \d+ frames/);
    const more = compareFrames(plainFrames.slice(0, 3), plainFrames.slice(0, 4));
    expect(!more.ok && more.message).toMatch(/extra frame 3/);
    const retyped = plainFrames.map((f, i) =>
      i === 1 ? { ...f, headers: { ...f.headers, 'Content-Type': 'api/response' } } : f,
    );
    const result = compareFrames(plainFrames, retyped);
    expect(!result.ok && result.message).toMatch(
      /frame 1 .*expected Content-Type command\/reply, got api\/response/,
    );
  });

  it('numeric headers must stay numbers; numericHeaders widens the set', () => {
    const a = framesOf('Content-Type: command/reply\nReply-Text: +OK member 13\n\n');
    const b = framesOf('Content-Type: command/reply\nReply-Text: +OK member 99\n\n');
    expect(compareFrames(a, b).ok).toBe(false);
    const c = framesOf('Content-Type: command/reply\nMember-ID: 13\n\n');
    const d = framesOf('Content-Type: command/reply\nMember-ID: 99\n\n');
    const e = framesOf('Content-Type: command/reply\nMember-ID: none\n\n');
    expect(compareFrames(c, d).ok).toBe(false);
    expect(compareFrames(c, d, { numericHeaders: ['Member-ID'] }).ok).toBe(true);
    expect(compareFrames(c, e, { numericHeaders: ['Member-ID'] }).ok).toBe(false);
  });

  it('shapeOf keeps ordinary text and replaces what differs by nature', () => {
    expect(shapeOf('+OK 77375125-5589-4649-a979-6980a95849eb\n')).toBe('+OK <uuid>\n');
    expect(shapeOf('Sun, 22 Nov 2026 12:23:51 GMT')).toBe('<rfc-date>');
    expect(shapeOf('Sun, 22 Nov 2026 12:25:29 +0000')).toBe('<rfc-date>');
    expect(shapeOf('1795350231077792:2026-11-22 12:23:51')).toBe('<usec>:<local-date>');
    expect(shapeOf('created_epoch 1795350229, member 13, ext 5551234')).toBe(
      'created_epoch <sec>, member 13, ext 5551234',
    );
  });
});
