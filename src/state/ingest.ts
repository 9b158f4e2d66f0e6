// Frames from one node's ESL connection → decoded events → that node's state. The same path serves
// the live connection, the resync replay of buffered events, transcript replays and the benchmark.

import type { EslFrame } from '../esl/frames.js';
import { decodeEventFrame, isEventFrame } from '../esl/events.js';
import type { EslEvent } from '../esl/events.js';
import { applyEvent } from './node-state.js';
import type { NodeState } from './node-state.js';

export interface IngestCounts {
  /** Event frames decoded and offered to the reducers. */
  events: number;
  /** Events that changed the state. */
  changed: number;
  /** Event frames that could not be decoded (skipped). */
  undecodable: number;
}

/** The events among the frames, in order; non-event frames and undecodable events are skipped. */
export function eventsOf(frames: Iterable<EslFrame>): EslEvent[] {
  const events: EslEvent[] = [];
  for (const frame of frames) {
    if (!isEventFrame(frame)) continue;
    const decoded = decodeEventFrame(frame);
    if (decoded.ok) events.push(decoded.event);
  }
  return events;
}

/** Decodes and applies every event frame; other frames (replies, notices) are not events. */
export function ingestFrames(node: NodeState, frames: Iterable<EslFrame>): IngestCounts {
  const counts: IngestCounts = { events: 0, changed: 0, undecodable: 0 };
  for (const frame of frames) {
    if (!isEventFrame(frame)) continue;
    const decoded = decodeEventFrame(frame);
    if (!decoded.ok) {
      counts.undecodable++;
      continue;
    }
    counts.events++;
    if (applyEvent(node, decoded.event).length > 0) counts.changed++;
  }
  return counts;
}
