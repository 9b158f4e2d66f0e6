// The telephony model against the real FreeSWITCH transcripts: each scenario is replayed through the
// model with the commands the recorder sent, at the times it sent them (a manual clock), and the events
// the model publishes are compared with the transcript's: the same sequence, and for every event the
// same header names in the same order with values equal once UUIDs, dates and timestamps are reduced
// to their shape. Replies to api commands are compared the same way.
import { describe, expect, it } from 'vitest';
import { buildEvent } from '../../src/sim/event-builder.js';
import { ManualClock } from '../../src/sim/model/clock.js';
import { transcriptLabConfig } from '../../src/sim/model/config.js';
import { createSimIdentity } from '../../src/sim/model/identity.js';
import { SimSwitch } from '../../src/sim/model/switch.js';
import type { SimEvent } from '../../src/sim/types.js';
import { eventOfFrame, framesOf, shapeOf } from '../helpers/transcript-compare.js';
import { readTranscriptBytes, readTranscriptLines, transcriptExists } from '../helpers/transcripts.js';

// ---------- reading a transcript ----------

const header = (e: SimEvent, name: string): string | undefined => e.headers.find(([k]) => k === name)?.[1];

interface Transcript {
  events: SimEvent[];
  /** api/response bodies in order. */
  replies: string[];
}

function readTranscript(name: string): Transcript {
  const events: SimEvent[] = [];
  const replies: string[] = [];
  for (const frame of framesOf(readTranscriptBytes(name))) {
    const event = eventOfFrame(frame);
    if (event) events.push(event);
    else if (frame.headers['Content-Type'] === 'api/response') replies.push(frame.body);
  }
  return { events, replies };
}

// ---------- replaying it through the model ----------

/** What a sipp note in the recorder's log says about the inbound call it started. */
function sippCall(
  note: string,
): { from: string; name: string; to: string; port: number; hangupAfterMs?: number } | undefined {
  if (!/\bsipp 127\.0\.0\.1:5060\b/.test(note)) return undefined;
  const arg = (flag: string): string | undefined => new RegExp(`\\s${flag} (\\S+)`).exec(note)?.[1];
  const key = (k: string): string | undefined => new RegExp(`-key ${k} (.+?)(?: -|$)`).exec(note)?.[1];
  const from = key('cid_num') ?? 'sipp';
  const waitsForBye = note.includes('uac_wait_bye.xml');
  const d = arg('-d');
  const to = arg('-s') ?? '';
  return {
    from,
    name: key('cid_name') ?? from,
    to,
    port: Number(arg('-p') ?? 5090),
    ...(!waitsForBye && d ? { hangupAfterMs: Number(d) } : {}),
    ...(note.includes('-sn uac') ? { builtinUac: true } : {}),
  };
}

interface Replayed {
  events: SimEvent[];
  replies: string[];
}

interface ReplayOptions {
  memberId?: number;
  sessionId?: number;
  /** Inbound calls (by dialled extension) the replay leaves out. */
  skipInbound?: string[];
  /** What happened before the recording started (on another connection), `leadMs` before it. */
  setup?: { leadMs: number; run: (sw: SimSwitch, clock: ManualClock) => Promise<void> };
}

async function replay(name: string, start: ReplayOptions): Promise<Replayed> {
  const lines = readTranscriptLines(name);
  const micros = (t: string): number => Date.parse(t) * 1000;
  const clock = new ManualClock(micros(lines[0]!.t) - (start.setup?.leadMs ?? 0) * 1000);
  // The lab machine's identity, so header values compare exactly.
  const identity = createSimIdentity({
    coreUuid: 'fd973cfc-5247-4a7f-b855-7b45a30a5e40',
    hostname: 'vm',
    ipv4: '192.0.2.2',
    ipv6: 'fd00::2',
  });
  const published: SimEvent[] = [];
  const sw = new SimSwitch({
    bus: { publish: (e) => published.push(e) },
    clock,
    identity,
    domain: '127.0.0.1',
    ...transcriptLabConfig(),
    ...(start.memberId ? { firstMemberId: start.memberId } : {}),
    ...(start.sessionId ? { firstSessionId: start.sessionId } : {}),
  });
  if (start.setup) await start.setup.run(sw, clock);
  const replies: Array<Promise<string>> = [];
  let wanted: (e: SimEvent) => boolean = () => false;
  for (const line of lines) {
    await clock.advanceTo(micros(line.t));
    const data = line.data ?? line.text ?? '';
    if (line.dir === 'note') {
      const call = sippCall(data);
      if (call && !(start.skipInbound ?? []).includes(call.to)) sw.inboundCall(call);
      continue;
    }
    if (line.dir !== 'send') continue;
    const command = data.trim();
    const [verb = '', rest = ''] = command.split(/ (.*)/s);
    if (verb === 'event') {
      const names = rest.split(' ').slice(1);
      wanted = (e) =>
        names.includes(header(e, 'Event-Name') ?? '') || names.includes(header(e, 'Event-Subclass') ?? '');
    } else if (verb === 'api') {
      const [cmd = '', args = ''] = rest.split(/ (.*)/s);
      replies.push(sw.execute(cmd, args));
    } else if (verb === 'bgapi') {
      const [cmd = '', args = ''] = rest.split(/ (.*)/s);
      const job = `00000000-0000-4000-8000-${String(replies.length).padStart(12, '0')}`;
      // what the ESL server does for bgapi (mod_event_socket api_exec)
      void sw.execute(cmd, args).then((reply) =>
        published.push(
          buildEvent(
            identity,
            {
              name: 'BACKGROUND_JOB',
              callingFile: 'mod_event_socket.c',
              callingFunction: 'api_exec',
              callingLine: 1580,
            },
            [
              ['Job-UUID', job],
              ['Job-Command', cmd],
              ['Job-Command-Arg', args],
            ],
            reply,
            () => clock.nowMicros(),
          ),
        ),
      );
    }
  }
  await clock.advance(10_000);
  return { events: published.filter((e) => wanted(e)), replies: await Promise.all(replies) };
}

// ---------- comparing ----------

/** Values that are measurements of a run (energy, talk statistics, file lengths): compared as numbers. */
const MEASURED = new Set([
  'Current-Energy',
  'talking-gate-hits',
  'talking-total-packets',
  'talking-duration-ms',
  'talking-average-energy',
  'talking-delta-average',
  'talking-hit-on-percent',
  'talking-non-hit-ratio',
  'talking-hit-off-percent',
  'talking-hit-off-differential',
  'seconds',
  'milliseconds',
  'samples',
  'Samples-Out',
  'Milliseconds-Elapsed',
  'Record-File-Size',
  'Event-Sequence',
]);

const NUMBER = /^-?\d+(\.\d+)?$/;

/** Call durations and media counters of a run: compared as numbers. */
const MEASURED_VARIABLES =
  /^variable_(m|u)?(duration|bill|progress|answer|wait|progress_media|flow_bill)(sec|msec|usec)?$|^variable_(rtp_audio_(in|out)_\w+|playback_(last_offset_pos|seconds|ms|samples)|session_id)$/;

/**
 * Per-call SIP/RTP particulars (tags, Call-IDs, branches, media ports, SSRCs, SDP versions): drawn at
 * random for every call, so compared with every run of digits and of letters reduced to one mark.
 */
const PER_CALL_VARIABLES = new Set(
  [
    'sip_full_via',
    'sip_recover_via',
    'sip_full_from',
    'sip_full_to',
    'sip_to_tag',
    'sip_from_tag',
    'sip_cseq',
    'sip_call_id',
    'rtp_local_sdp_str',
    'switch_r_sdp',
    'switch_m_sdp',
    'local_media_port',
    'remote_media_port',
    'rtp_use_ssrc',
  ].map((v) => `variable_${v}`),
);
const loose = (v: string): string => v.replace(/[A-Za-z0-9]+/g, 'x');

/** Differences between two events' headers: names and order exactly, values by shape. */
function eventDifferences(expected: SimEvent, actual: SimEvent, uuids: Map<string, string>): string[] {
  const diffs: string[] = [];
  const n = Math.max(expected.headers.length, actual.headers.length);
  for (let i = 0; i < n; i++) {
    const e = expected.headers[i];
    const a = actual.headers[i];
    if (!e || !a || e[0] !== a[0]) {
      diffs.push(`header #${i + 1}: expected ${e?.[0] ?? '(none)'}, got ${a?.[0] ?? '(none)'}`);
      break;
    }
    const [name, ev] = e;
    const av = a[1];
    if (PER_CALL_VARIABLES.has(name)) {
      if (loose(ev) !== loose(av))
        diffs.push(`${name}: expected the shape of ${JSON.stringify(ev)}, got ${JSON.stringify(av)}`);
      continue;
    }
    if (MEASURED.has(name) || MEASURED_VARIABLES.test(name)) {
      if (!NUMBER.test(ev) || !NUMBER.test(av))
        diffs.push(`${name}: expected a number like ${ev}, got ${av}`);
      continue;
    }
    if (shapeOf(ev) !== shapeOf(av))
      diffs.push(`${name}: expected ${JSON.stringify(ev)}, got ${JSON.stringify(av)}`);
    const eIds = ev.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? [];
    const aIds = av.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? [];
    eIds.forEach((id, k) => {
      const mapped = uuids.get(id);
      if (mapped === undefined) uuids.set(id, aIds[k] ?? '');
      else if (mapped !== aIds[k]) diffs.push(`${name}: ${aIds[k]} stands where ${mapped} stood before`);
    });
  }
  if ((expected.body === undefined) !== (actual.body === undefined)) diffs.push('body presence differs');
  else if (expected.body !== undefined && shapeOf(expected.body) !== shapeOf(actual.body!))
    diffs.push(`body: expected ${JSON.stringify(expected.body)}, got ${JSON.stringify(actual.body)}`);
  return diffs;
}

const label = (e: SimEvent): string =>
  [header(e, 'Event-Name'), header(e, 'Action'), header(e, 'Member-ID') ?? header(e, 'Channel-Name')]
    .filter(Boolean)
    .join(' ');

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

describe.runIf(transcriptExists('conference-plain'))('conference transcripts', () => {
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

describe.runIf(transcriptExists('api-responses'))('api-responses transcript', () => {
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

describe.runIf(transcriptExists('conference-plain'))('the transcript comparison', () => {
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

/**
 * Events FreeSWITCH stamps within 25 ms of each other come from different threads racing (a teardown
 * touches three channels at once); their relative order differs between the two recordings of the same
 * scenario. Such a burst is compared as a set, with each channel's own events still in order.
 */
const BURST_GAP_MICROS = 25_000;

function bursts(events: SimEvent[]): SimEvent[][] {
  const out: SimEvent[][] = [];
  let last = -Infinity;
  for (const e of events) {
    const t = Number(header(e, 'Event-Date-Timestamp'));
    if (t - last > BURST_GAP_MICROS || out.length === 0) out.push([]);
    out[out.length - 1]!.push(e);
    last = t;
  }
  return out;
}

const channelOf = (e: SimEvent): string => header(e, 'Channel-Name') ?? header(e, 'Event-Name') ?? '';

/**
 * When an inbound caller's ACK refreshes its dialog variables, relative to what the dialplan does at the
 * same moment, is a race: the two recordings of the same calls disagree on where (and whether, by a
 * given event) they appear. For inbound SIP channels these variables are left out of the comparison
 * until CHANNEL_DESTROY, where they are all there and are compared by value; the other variables keep
 * their exact order everywhere.
 */
const ACK_RACE = new Set(
  [
    'sip_to_tag',
    'sip_from_tag',
    'sip_cseq',
    'sip_call_id',
    'sip_full_via',
    'sip_from_display',
    'sip_full_from',
    'sip_to_display',
    'sip_full_to',
  ].map((v) => `variable_${v}`),
);

function settleAckRace(e: SimEvent): SimEvent {
  if (header(e, 'Call-Direction') !== 'inbound' || !header(e, 'Channel-Name')?.startsWith('sofia/')) return e;
  const racing = e.headers.filter(([k]) => ACK_RACE.has(k)).sort(([a], [b]) => a.localeCompare(b));
  const final = header(e, 'Event-Name') === 'CHANNEL_DESTROY';
  return { ...e, headers: [...e.headers.filter(([k]) => !ACK_RACE.has(k)), ...(final ? racing : [])] };
}

function compareCalls(expected: SimEvent[], actual: SimEvent[]): string[] {
  const strip = settleAckRace;
  const keep = (e: SimEvent): boolean =>
    !VOICEMAIL_CALLER.test(header(e, 'Channel-Name') ?? '') &&
    !/voicemail/.test(header(e, 'Channel-Name') ?? '');
  const e = expected.filter(keep).map(strip);
  const a = actual.map(strip);
  const problems: string[] = [];
  const uuids = new Map<string, string>();
  let p = 0;
  for (const burst of bursts(e)) {
    const got = a.slice(p, p + burst.length);
    const where = `events #${p}..#${p + burst.length - 1}`;
    p += burst.length;
    const sorted = (x: SimEvent[]): string => x.map(label).sort().join(' | ');
    if (sorted(burst) !== sorted(got)) {
      problems.push(
        `${where}: expected [${burst.map(label).join(', ')}], got [${got.map(label).join(', ')}]`,
      );
      break;
    }
    for (const ch of new Set(burst.map(channelOf))) {
      const order = (x: SimEvent[]): string =>
        x
          .filter((y) => channelOf(y) === ch)
          .map(label)
          .join(', ');
      if (order(burst) !== order(got))
        problems.push(`${where}: ${ch}: expected ${order(burst)}, got ${order(got)}`);
    }
    const used = new Set<number>();
    for (const want of burst) {
      const i = got.findIndex((g, k) => !used.has(k) && label(g) === label(want));
      used.add(i);
      for (const d of eventDifferences(want, got[i]!, uuids))
        problems.push(`${where} (${label(want)}): ${d}`);
    }
  }
  if (p < a.length) problems.push(`extra events from #${p}: ${a.slice(p).map(label).join(', ')}`);
  return problems;
}

describe.runIf(transcriptExists('calls-plain'))('call transcripts', () => {
  for (const name of ['calls-plain', 'calls-json'] as const) {
    it(`${name}: the same channel events, in the same order, with the same headers`, async () => {
      const expected = readTranscript(name);
      const firstSession = Number(header(expected.events[0]!, 'variable_session_id'));
      const actual = await replay(name, { sessionId: firstSession, skipInbound: ['1019'] });
      expect(compareCalls(expected.events, actual.events)).toEqual([]);
    });
  }
});
