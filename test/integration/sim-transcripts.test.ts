// The telephony model against the real FreeSWITCH transcripts: each scenario is replayed through the
// model with the commands the recorder sent, at the times it sent them (a manual clock), and the events
// the model publishes are compared with the transcript's: the same sequence, and for every event the
// same header names in the same order with values equal once UUIDs, dates and timestamps are reduced
// to their shape. Replies to api commands are compared the same way.
import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../../src/sim/types.js';
import {
  compareCalls,
  eventDifferences,
  header,
  label,
  readTranscript,
  replay,
} from '../helpers/sim-replay.js';
import { shapeOf } from '../helpers/transcript-compare.js';
import { transcriptTestsRun } from '../helpers/transcripts.js';

// ---------- the conference scenario ----------

/** Media events whose moment depends on audio timing (file lengths, talk detection), not on commands. */
const MEDIA = new Set(['play-file-done', 'play-file-member-done', 'start-talking', 'stop-talking']);
const isMedia = (e: SimEvent): boolean =>
  MEDIA.has(header(e, 'Action') ?? '') ||
  // a floor change caused by someone starting to talk
  (header(e, 'Action') === 'floor-change' && header(e, 'Old-ID') !== 'none');

function compareSequences(expected: SimEvent[], actual: SimEvent[]): string[] {
  const problems: string[] = [];
  const uuids = new Map<string, string>();
  const e = expected.filter((x) => !isMedia(x));
  const a = actual.filter((x) => !isMedia(x));
  const n = Math.max(e.length, a.length);
  for (let i = 0; i < n; i++) {
    if (!e[i] || !a[i] || label(e[i]!) !== label(a[i]!)) {
      problems.push(
        `event #${i}: expected ${e[i] ? label(e[i]!) : '(end)'}, got ${a[i] ? label(a[i]!) : '(end)'}`,
      );
      break;
    }
    for (const d of eventDifferences(e[i]!, a[i]!, uuids))
      problems.push(`event #${i} (${label(e[i]!)}): ${d}`);
  }
  // Media events: the same number of each kind, each shaped like the transcript's first one of its kind.
  const kinds = new Set([...expected, ...actual].filter(isMedia).map((x) => header(x, 'Action')!));
  for (const kind of kinds) {
    const ek = expected.filter((x) => isMedia(x) && header(x, 'Action') === kind);
    const ak = actual.filter((x) => isMedia(x) && header(x, 'Action') === kind);
    if (ek.length !== ak.length) problems.push(`${kind}: expected ${ek.length} events, got ${ak.length}`);
    for (const x of ak) {
      const twin = ek.find((y) => y.headers.map(([k]) => k).join() === x.headers.map(([k]) => k).join());
      if (!twin)
        problems.push(
          `${kind}: no transcript event has this header layout: ${x.headers.map(([k]) => k).join(' ')}`,
        );
    }
  }
  return problems;
}

describe.runIf(transcriptTestsRun('conference-plain'))('conference transcripts', () => {
  for (const [name, memberId] of [
    ['conference-plain', 13],
    ['conference-json', 21],
  ] as const) {
    it(`${name}: the same conference::maintenance events with the same headers`, async () => {
      const expected = readTranscript(name);
      const actual = await replay(name, { memberId });
      expect(compareSequences(expected.events, actual.events)).toEqual([]);
    });
  }
});

// ---------- api replies ----------

/** Replies whose numbers are measurements of the moment (uptime, session counts): digits compared as digits. */
const digitsOnly = (s: string): string => s.replace(/\d+/g, 'N');

function replyProblems(expected: string[], actual: string[]): string[] {
  if (expected.length !== actual.length) return [`expected ${expected.length} replies, got ${actual.length}`];
  const problems: string[] = [];
  expected.forEach((want, i) => {
    const got = actual[i]!;
    const same = want.startsWith('UP ')
      ? digitsOnly(want) === digitsOnly(got)
      : shapeOf(want) === shapeOf(got);
    if (!same) problems.push(`reply #${i}:\n--- expected\n${want}\n--- actual\n${got}`);
  });
  return problems;
}

describe.runIf(transcriptTestsRun('api-responses'))('api-responses transcript', () => {
  it('answers every api command like FreeSWITCH, and fires the same BACKGROUND_JOBs', async () => {
    const expected = readTranscript('api-responses');
    // Before the recording, another connection set up `demo` with Alice (&conference), Bob and Carol
    // (extension 3900, their A-legs running 9991) and muted Carol; member ids were at 29.
    const actual = await replay('api-responses', {
      memberId: 29,
      setup: {
        leadMs: 6000,
        run: async (sw, clock) => {
          await sw.execute(
            'originate',
            '{origination_caller_id_number=1001,origination_caller_id_name=Alice}loopback/9991/default &conference(demo@default)',
          );
          await clock.advance(2000);
          await sw.execute(
            'originate',
            '{origination_caller_id_number=1002,origination_caller_id_name=Bob}loopback/3900/default 9991 XML default',
          );
          await clock.advance(1000);
          await sw.execute(
            'originate',
            '{origination_caller_id_number=1003,origination_caller_id_name=Carol}loopback/3900/default 9991 XML default',
          );
          await clock.advance(500);
          await sw.execute('conference', 'demo mute 31');
          await clock.advance(2500);
        },
      },
    });
    expect(replyProblems(expected.replies, actual.replies)).toEqual([]);
    const uuids = new Map<string, string>();
    expect(actual.events.map(label)).toEqual(expected.events.map(label));
    expected.events.forEach((e, i) => expect(eventDifferences(e, actual.events[i]!, uuids)).toEqual([]));
  });
});

// ---------- the comparison can fail ----------

describe.runIf(transcriptTestsRun('conference-plain'))('the transcript comparison', () => {
  it('reports a dropped header, a reordered header, a changed value and a changed reply', async () => {
    const expected = readTranscript('conference-plain');
    const actual = await replay('conference-plain', { memberId: 13 });
    expect(compareSequences(expected.events, actual.events)).toEqual([]);
    const at = actual.events.findIndex((e) => header(e, 'Action') === 'add-member');
    const tampered = (change: (h: Array<[string, string]>) => void): SimEvent[] =>
      actual.events.map((e, i) => {
        const headers = e.headers.map(([k, v]): [string, string] => [k, v]);
        if (i === at) change(headers);
        return { ...e, headers };
      });
    const dropped = tampered((h) =>
      h.splice(
        h.findIndex(([k]) => k === 'Caller-Context'),
        1,
      ),
    );
    expect(compareSequences(expected.events, dropped).join('\n')).toMatch(
      /header #\d+: expected Caller-Context/,
    );
    const swapped = tampered((h) => {
      const i = h.findIndex(([k]) => k === 'Hear');
      [h[i], h[i + 1]] = [h[i + 1]!, h[i]!];
    });
    expect(compareSequences(expected.events, swapped).join('\n')).toMatch(/expected Hear, got See/);
    const renamed = tampered((h) => {
      h[h.findIndex(([k]) => k === 'Caller-Caller-ID-Name')]![1] = 'Mallory';
    });
    expect(compareSequences(expected.events, renamed).join('\n')).toMatch(/Caller-Caller-ID-Name: expected/);
    const replies = readTranscript('api-responses').replies;
    const changed = replies.map((r) => r.replace('-ERR Non-Existant ID 999', '-ERR Non-Existent ID 999'));
    expect(replyProblems(replies, replies)).toEqual([]);
    expect(replyProblems(replies, changed).join('\n')).toMatch(/Non-Existent/);
  });
});

// ---------- the call scenarios ----------

/** 2e: an unregistered user's calls go to voicemail in the vanilla dialplan; the model has no voicemail. */
const VOICEMAIL_CALLER = /1013@/;
const modelled = (e: SimEvent): boolean =>
  !VOICEMAIL_CALLER.test(header(e, 'Channel-Name') ?? '') &&
  !/voicemail/.test(header(e, 'Channel-Name') ?? '');

describe.runIf(transcriptTestsRun('calls-plain'))('call transcripts', () => {
  for (const name of ['calls-plain', 'calls-json'] as const) {
    it(`${name}: the same channel events, in the same order, with the same headers`, async () => {
      const expected = readTranscript(name);
      const firstSession = Number(header(expected.events[0]!, 'variable_session_id'));
      const actual = await replay(name, { sessionId: firstSession, skipInbound: ['1019'] });
      expect(compareCalls(expected.events, actual.events, modelled)).toEqual([]);
    });
  }
});
