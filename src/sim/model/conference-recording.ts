// Conference recordings: `record <file>` starts one (start-recording fires once the record thread
// runs), `norecord` or the conference's end stops it (stop-recording with the file's statistics).
import type { Conference, Recording } from './conference.js';
import { CONF_SITES, fireConferenceEvent } from './conference-events.js';
import type { SimContext } from './context.js';

/** The record thread starts a moment after the api call returns. */
export const RECORD_THREAD_DELAY_MS = 20;

export function startRecording(ctx: SimContext, conf: Conference, path: string): Recording {
  const rec: Recording = { path, startedAt: ctx.now() };
  conf.recordings.push(rec);
  const cancel = ctx.clock.schedule(RECORD_THREAD_DELAY_MS, () => {
    if (conf.recordings.includes(rec))
      fireConferenceEvent(ctx, conf, 'start-recording', CONF_SITES.recordStart, [['Path', path]]);
  });
  rec.cancelStart = cancel;
  return rec;
}

export function stopRecording(ctx: SimContext, conf: Conference, rec: Recording): void {
  const index = conf.recordings.indexOf(rec);
  if (index === -1) return;
  conf.recordings.splice(index, 1);
  rec.cancelStart?.();
  const ms = Math.max(0, Math.round((ctx.now() - rec.startedAt) / 1000));
  const samples = ms * 8;
  fireConferenceEvent(ctx, conf, 'stop-recording', CONF_SITES.recordStop, [
    ['Path', rec.path],
    ['Other-Recordings', conf.recordings.length > 0 ? 'true' : 'false'],
    ['Samples-Out', String(samples)],
    ['Samplerate', '8000'],
    ['Milliseconds-Elapsed', String(ms)],
    // 16-bit mono WAV: two bytes a sample plus the header.
    ['Record-File-Size', String(samples * 2 + 142)],
  ]);
}
