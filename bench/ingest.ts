// ESL ingest: events per second split, decoded and applied to the live state, against a baseline that
// only splits the same bytes into frames (the least any ESL client must do), same run, same input.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EslFrameSplitter } from '../src/esl/frames.js';
import { decodeEventFrame, isEventFrame } from '../src/esl/events.js';
import { LiveState } from '../src/state/node-state.js';
import { fmt, measure, ratio, report } from './lib.js';

const TRANSCRIPTS =
  process.env['FS_TRANSCRIPTS'] ?? path.resolve(import.meta.dirname, '../../shared/fs-transcripts');

/** The event frames of the recorded call and conference scenarios, as one byte stream (json format). */
function eventStream(): { bytes: Buffer; events: number } {
  const parts: Buffer[] = [];
  let events = 0;
  for (const name of ['calls-json', 'conference-json']) {
    const splitter = new EslFrameSplitter();
    for (const frame of splitter.push(readFileSync(path.join(TRANSCRIPTS, `${name}.txt`)))) {
      if (!isEventFrame(frame)) continue;
      const body = Buffer.from(frame.body, 'utf8');
      parts.push(Buffer.from(`Content-Length: ${body.length}\nContent-Type: text/event-json\n\n`), body);
      events++;
    }
  }
  return { bytes: Buffer.concat(parts), events };
}

/** Feeds the stream in 64 KiB chunks, like a socket would. */
function chunks(bytes: Buffer, size = 64 * 1024): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

export async function benchIngest(): Promise<string[]> {
  const { bytes, events } = eventStream();
  const pieces = chunks(bytes);
  console.log(`\n## ESL ingest (${events} recorded events, ${fmt(bytes.length / 1024)} KiB per pass)`);

  const baseline = await measure(
    'split frames only',
    () => {
      const splitter = new EslFrameSplitter();
      for (const c of pieces) splitter.push(c);
    },
    { batch: events },
  );

  const live = new LiveState();
  live.addNode('bench').synced = true;
  const full = await measure(
    'split + decode + apply',
    () => {
      const splitter = new EslFrameSplitter();
      for (const c of pieces)
        for (const frame of splitter.push(c)) {
          const decoded = decodeEventFrame(frame);
          if (decoded.ok) live.apply('bench', decoded.event);
        }
    },
    { batch: events },
  );
  // What the chosen library does with the same bytes: modesl 1.2.1's own Parser (split + JSON.parse +
  // its Event objects), with nothing applied. The client replaced it (it throws on stray `%`).
  const ModeslParser = createRequire(import.meta.url)('modesl/lib/esl/Parser.js') as new (
    socket: EventEmitter,
  ) => EventEmitter;
  const modesl = await measure(
    'modesl Parser (parse only)',
    () => {
      const socket = new EventEmitter();
      new ModeslParser(socket);
      for (const c of pieces) socket.emit('data', c);
    },
    { batch: events },
  );

  const r = ratio(full, baseline);
  console.log(`baseline (split only):    ${fmt(baseline.opsPerSecond)} events/s`);
  console.log(`modesl's parser:          ${fmt(modesl.opsPerSecond)} events/s`);
  console.log(`daemon path:              ${fmt(full.opsPerSecond)} events/s`);
  return [
    report('ESL ingest vs modesl parse-only', `${fmt(ratio(full, modesl), 2)}x`, 'informational', true),
    report(
      'ESL ingest, events/s decoded and applied',
      fmt(full.opsPerSecond),
      '>= 20,000',
      full.opsPerSecond >= 20_000,
    ),
    report('ESL ingest vs frame-splitting baseline', `${fmt(r, 2)}x`, '>= 0.5x', r >= 0.5),
  ];
}
