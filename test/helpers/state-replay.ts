// Replays a recorded FreeSWITCH session as its client lived it: received bytes go through the real
// frame splitter chunk by chunk (as they arrived), interleaved with the commands that were sent and
// the recorder's notes, so a test can look at the state at the moment a command was sent or a reply
// arrived.
import { EslFrameSplitter } from '../../src/esl/frames.js';
import type { EslFrame } from '../../src/esl/frames.js';
import { decodeEventFrame, isEventFrame } from '../../src/esl/events.js';
import type { EslEvent } from '../../src/esl/events.js';
import { readTranscriptBytes, readTranscriptLines } from './transcripts.js';

export type ReplayStep =
  | { kind: 'send'; command: string }
  | { kind: 'note'; text: string }
  | { kind: 'frame'; frame: EslFrame; event: EslEvent | undefined };

export function replaySteps(name: string): ReplayStep[] {
  const bytes = readTranscriptBytes(name);
  const splitter = new EslFrameSplitter();
  const steps: ReplayStep[] = [];
  for (const line of readTranscriptLines(name)) {
    if (line.dir === 'send') steps.push({ kind: 'send', command: (line.data ?? '').trim() });
    else if (line.dir === 'note') steps.push({ kind: 'note', text: line.text ?? line.data ?? '' });
    else if (line.dir === 'recv' && line.offset !== undefined) {
      // The second set (2026-12-05) gives the received bytes without their length.
      const len = line.len ?? Buffer.byteLength(line.data ?? '', 'utf8');
      for (const frame of splitter.push(bytes.subarray(line.offset, line.offset + len))) {
        const decoded = isEventFrame(frame) ? decodeEventFrame(frame) : undefined;
        steps.push({ kind: 'frame', frame, event: decoded?.ok ? decoded.event : undefined });
      }
    }
  }
  return steps;
}

/** Every event of a transcript, in order. */
export function transcriptEvents(name: string): EslEvent[] {
  return replaySteps(name).flatMap((step) => (step.kind === 'frame' && step.event ? [step.event] : []));
}

/** The uuid after `A=` / `B=` in a recorder note. */
export function noteUuid(text: string, leg: 'A' | 'B'): string | undefined {
  return new RegExp(`\\b${leg}=([0-9a-f-]{36})`).exec(text)?.[1];
}
