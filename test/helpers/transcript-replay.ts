// Replaying a recorded ESL session through the simulator's telephony model and comparing what it
// publishes with what the real FreeSWITCH sent: the commands the recorder sent are executed at the
// times it sent them (a manual clock); events are compared in sequence (bursts FreeSWITCH's threads
// race in are compared as sets), header names and order exactly, values once UUIDs, dates and
// per-call SIP particulars are reduced to their shape. The same rules as sim-transcripts.test.ts,
// for transcripts kept in any folder (test/fixtures/fs-transcripts holds the project's own).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SimEvent } from '../../src/sim/types.js';
import { eventOfFrame, framesOf, shapeOf } from './transcript-compare.js';
import type { Transcript } from './sim-replay.js';
import type { TranscriptLine } from './transcripts.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Transcripts this project recorded itself (README there). */
export const FIXTURE_TRANSCRIPT_DIR = path.resolve(here, '../fixtures/fs-transcripts');

// The comparison rules are sim-replay.ts's (one set for every transcript, shared and fixture alike).
export { compareChannelEvents, header, label, replayLines, type Transcript } from './sim-replay.js';

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
