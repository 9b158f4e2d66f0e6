// Every event of a recorded session file (`<name>.txt`, the bytes FreeSWITCH sent), through the real
// frame splitter and decoder. Works for both recorded sets (the second set's .jsonl has no `len`).
import { decodeEventFrame, isEventFrame, type EslEvent } from '../../src/esl/events.js';
import { EslFrameSplitter } from '../../src/esl/frames.js';
import { readTranscriptBytes } from './transcripts.js';

export function recordedEvents(name: string): EslEvent[] {
  const events: EslEvent[] = [];
  for (const frame of new EslFrameSplitter().push(readTranscriptBytes(name))) {
    if (!isEventFrame(frame)) continue;
    const decoded = decodeEventFrame(frame);
    if (!decoded.ok) throw new Error(`undecodable recorded event: ${decoded.error}`);
    events.push(decoded.event);
  }
  return events;
}
