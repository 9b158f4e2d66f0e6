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
import { header, type Transcript } from './sim-replay.js';
import type { TranscriptLine } from './transcripts.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Transcripts this project recorded itself (README there). */
export const FIXTURE_TRANSCRIPT_DIR = path.resolve(here, '../fixtures/fs-transcripts');

// The comparison rules are sim-replay.ts's (one set for every transcript, shared and fixture alike).
export { compareChannelEvents, header, label, type Transcript } from './sim-replay.js';

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
