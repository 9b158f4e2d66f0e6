// Replays a recorded FreeSWITCH session through the simulator's telephony model and compares what the
// model publishes with what the real FreeSWITCH sent: each scenario is replayed with the commands the
// recorder sent, at the times it sent them (a manual clock), and every event is compared header by
// header (names and order exactly, values once UUIDs, dates and timestamps are reduced to their shape).
import { buildEvent } from '../../src/sim/event-builder.js';
import { ManualClock } from '../../src/sim/model/clock.js';
import { transcriptLabConfig, type SimLab } from '../../src/sim/model/config.js';
import { createSimIdentity } from '../../src/sim/model/identity.js';
import { SimSwitch } from '../../src/sim/model/switch.js';
import type { SimEvent } from '../../src/sim/types.js';
import { eventOfFrame, framesOf, shapeOf } from './transcript-compare.js';
import { readTranscriptBytes, readTranscriptLines, type TranscriptLine } from './transcripts.js';

// ---------- reading a transcript ----------

export const header = (e: SimEvent, name: string): string | undefined =>
  e.headers.find(([k]) => k === name)?.[1];

export interface Transcript {
  events: SimEvent[];
  /** api/response bodies in order. */
  replies: string[];
}

export function readTranscript(name: string): Transcript {
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

export interface Replayed {
  events: SimEvent[];
  replies: string[];
}

export interface ReplayOptions {
  memberId?: number;
  sessionId?: number;
  /** Inbound calls (by dialled extension) the replay leaves out. */
  skipInbound?: string[];
  /** What happened before the recording started (on another connection), `leadMs` before it. */
  setup?: { leadMs: number; run: (sw: SimSwitch, clock: ManualClock) => Promise<void> };
  /** The lab's directory, SIP endpoints, dialplan and codecs (default: the first set's). */
  lab?: SimLab;
  /** The recording machine's core UUID (default: the shared transcripts' lab). */
  coreUuid?: string;
}

/** Replays a transcript of the shared set (../shared/fs-transcripts) by name. */
export function replay(name: string, start: ReplayOptions): Promise<Replayed> {
  return replayLines(readTranscriptLines(name), start);
}

/** Runs the transcript's commands through a fresh SimSwitch; its events (filtered as subscribed) and replies. */
export async function replayLines(lines: readonly TranscriptLine[], start: ReplayOptions): Promise<Replayed> {
  const micros = (t: string): number => Date.parse(t) * 1000;
  const clock = new ManualClock(micros(lines[0]!.t) - (start.setup?.leadMs ?? 0) * 1000);
  // The lab machine's identity, so header values compare exactly.
  const identity = createSimIdentity({
    coreUuid: start.coreUuid ?? 'fd973cfc-5247-4a7f-b855-7b45a30a5e40',
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
    ...(start.lab ?? transcriptLabConfig()),
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
  'Caller-Channel-Hold-Accum',
]);

const NUMBER = /^-?\d+(\.\d+)?$/;

/** Call durations and media counters of a run: compared as numbers. */
const MEASURED_VARIABLES =
  /^variable_(m|u)?(duration|bill|progress|answer|wait|progress_media|flow_bill|hold_accum)(sec|msec|usec|_seconds|_ms|_usec)?$|^variable_(rtp_audio_(in|out)_\w+|playback_(last_offset_pos|seconds|ms|samples)|session_id)$/;

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

export interface CompareOptions {
  /** Leave the `variable_*` headers out (a lab whose channel variables the model does not follow). */
  withoutVariables?: boolean;
}

const withoutVariables = (e: SimEvent): SimEvent => ({
  ...e,
  headers: e.headers.filter(([k]) => !k.startsWith('variable_')),
});

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

export const label = (e: SimEvent): string =>
  [header(e, 'Event-Name'), header(e, 'Action'), header(e, 'Member-ID') ?? header(e, 'Channel-Name')]
    .filter(Boolean)
    .join(' ');

// ---------- the conference scenario ----------

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

/** Compares channel events burst by burst; `keep` drops recorded events the model does not reproduce. */
export function compareCalls(
  expected: SimEvent[],
  actual: SimEvent[],
  keep: (e: SimEvent) => boolean = () => true,
): string[] {
  return compareChannelEvents(expected.filter(keep).map(settleAckRace), actual.map(settleAckRace));
}

/**
 * Channel events burst by burst: each burst the same set of events, each channel's in the same order,
 * each event the same headers (eventDifferences). Empty: the same.
 */
export function compareChannelEvents(e: SimEvent[], a: SimEvent[], options: CompareOptions = {}): string[] {
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
      for (const d of eventDifferences(want, got[i]!, uuids, options))
        problems.push(`${where} (${label(want)}): ${d}`);
    }
  }
  if (p < a.length) problems.push(`extra events from #${p}: ${a.slice(p).map(label).join(', ')}`);
  return problems;
}
