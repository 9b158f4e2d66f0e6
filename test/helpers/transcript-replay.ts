// Replaying a recorded ESL session through the simulator's telephony model and comparing what it
// publishes with what the real FreeSWITCH sent: the commands the recorder sent are executed at the
// times it sent them (a manual clock); events are compared in sequence (bursts FreeSWITCH's threads
// race in are compared as sets), header names and order exactly, values once UUIDs, dates and
// per-call SIP particulars are reduced to their shape. The same rules as sim-transcripts.test.ts,
// for transcripts kept in any folder (test/fixtures/fs-transcripts holds the project's own).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildEvent } from '../../src/sim/event-builder.js';
import { ManualClock } from '../../src/sim/model/clock.js';
import type { SimSwitchOptions } from '../../src/sim/model/switch.js';
import { createSimIdentity } from '../../src/sim/model/identity.js';
import { SimSwitch } from '../../src/sim/model/switch.js';
import type { SimEvent } from '../../src/sim/types.js';
import { eventOfFrame, framesOf, shapeOf } from './transcript-compare.js';
import type { TranscriptLine } from './transcripts.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Transcripts this project recorded itself (README there). */
export const FIXTURE_TRANSCRIPT_DIR = path.resolve(here, '../fixtures/fs-transcripts');

export const header = (e: SimEvent, name: string): string | undefined =>
  e.headers.find(([k]) => k === name)?.[1];

export interface Transcript {
  events: SimEvent[];
  /** api/response bodies in order. */
  replies: string[];
}

export function readTranscriptIn(dir: string, name: string): Transcript {
  const events: SimEvent[] = [];
  const replies: string[] = [];
  for (const frame of framesOf(readFileSync(path.join(dir, `${name}.txt`)))) {
    const event = eventOfFrame(frame);
    if (event) events.push(event);
    else if (frame.headers['Content-Type'] === 'api/response') replies.push(frame.body);
  }
  return { events, replies };
}

export function readLinesIn(dir: string, name: string): TranscriptLine[] {
  return readFileSync(path.join(dir, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as TranscriptLine);
}

export interface ReplayOptions {
  /** The lab's directory, reachability and dialplan when this transcript was made. */
  lab: Pick<SimSwitchOptions, 'users' | 'reachability' | 'dialplan'>;
  sessionId?: number;
  coreUuid?: string;
}

/** Runs the transcript's commands through a fresh SimSwitch; its events (filtered as subscribed) and replies. */
export async function replayLines(lines: TranscriptLine[], options: ReplayOptions): Promise<Transcript> {
  const micros = (t: string): number => Date.parse(t) * 1000;
  const clock = new ManualClock(micros(lines[0]!.t));
  const identity = createSimIdentity({
    coreUuid: options.coreUuid ?? 'fd973cfc-5247-4a7f-b855-7b45a30a5e40',
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
    ...options.lab,
    ...(options.sessionId ? { firstSessionId: options.sessionId } : {}),
  });
  const replies: Array<Promise<string>> = [];
  let wanted: (e: SimEvent) => boolean = () => false;
  for (const line of lines) {
    await clock.advanceTo(micros(line.t));
    if (line.dir !== 'send') continue;
    const command = (line.data ?? line.text ?? '').trim();
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

// ---------- comparing events ----------

/** Values that are measurements of a run: compared as numbers. */
const MEASURED = new Set([
  'Event-Sequence',
  'Record-File-Size',
  'Samples-Out',
  'Milliseconds-Elapsed',
  'Caller-Channel-Hold-Accum',
]);
const NUMBER = /^-?\d+(\.\d+)?$/;
/** Call durations and media counters of a run: compared as numbers. */
const MEASURED_VARIABLES =
  /^variable_(m|u)?(duration|bill|progress|answer|wait|progress_media|flow_bill|hold_accum)(sec|msec|usec|_seconds|_ms|_usec)?$|^variable_(rtp_audio_(in|out)_\w+|playback_(last_offset_pos|seconds|ms|samples)|session_id)$/;

/** Per-call SIP/RTP particulars drawn at random per call: compared with runs of letters/digits as one mark. */
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
const UUID_G = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Differences between two events' headers: names and order exactly, values by shape. */
export function eventDifferences(
  expected: SimEvent,
  actual: SimEvent,
  uuids: Map<string, string>,
  options: CompareOptions = {},
): string[] {
  if (options.withoutVariables) {
    expected = withoutVariables(expected);
    actual = withoutVariables(actual);
  }
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
    const eIds = ev.match(UUID_G) ?? [];
    const aIds = av.match(UUID_G) ?? [];
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

export interface CompareOptions {
  /** Leave the `variable_*` headers out (a lab whose channel variables the model does not follow). */
  withoutVariables?: boolean;
}

const withoutVariables = (e: SimEvent): SimEvent => ({
  ...e,
  headers: e.headers.filter(([k]) => !k.startsWith('variable_')),
});

export const label = (e: SimEvent): string =>
  [header(e, 'Event-Name'), header(e, 'Action'), header(e, 'Member-ID') ?? header(e, 'Channel-Name')]
    .filter(Boolean)
    .join(' ');

/** Events FreeSWITCH stamps within 25 ms of each other come from threads racing: compared as a set. */
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

/** Every difference between the recorded channel events and the replayed ones (empty: the same). */
export function compareChannelEvents(
  expected: SimEvent[],
  actual: SimEvent[],
  options: CompareOptions = {},
): string[] {
  const problems: string[] = [];
  const uuids = new Map<string, string>();
  let p = 0;
  for (const burst of bursts(expected)) {
    const got = actual.slice(p, p + burst.length);
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
      for (const d of eventDifferences(want, got[i]!, uuids, options))
        problems.push(`${where} (${label(want)}): ${d}`);
    }
  }
  if (p < actual.length) problems.push(`extra events from #${p}: ${actual.slice(p).map(label).join(', ')}`);
  return problems;
}

// ---------- comparing replies ----------

/** Reply differences: the same number of replies, each the same once UUIDs and dates are shapes. */
export function compareReplies(
  expected: string[],
  actual: string[],
  normalise: (reply: string) => string = shapeOf,
): string[] {
  if (expected.length !== actual.length) return [`expected ${expected.length} replies, got ${actual.length}`];
  const problems: string[] = [];
  expected.forEach((want, i) => {
    const got = actual[i]!;
    if (normalise(want) !== normalise(got))
      problems.push(`reply #${i}:\n--- expected\n${want}\n--- actual\n${got}`);
  });
  return problems;
}
