// Conference recordings: `record <file>` starts one (start-recording fires once the record thread
// runs), `norecord` or the conference's end stops it (stop-recording with the file's statistics);
// the api commands record / chkrecord / norecord with FreeSWITCH's replies.
import type { Conference, Recording } from './conference.js';
import { CONF_SITES, fireConferenceEvent } from './conference-events.js';
import type { SimContext } from './context.js';
import type { CommandResult } from './conference-table.js';
import { bad, ok } from './conference-table.js';

/** The record thread starts a moment after the api call returns. */
export const RECORD_THREAD_DELAY_MS = 20;

export function startRecording(ctx: SimContext, conf: Conference, path: string): Recording {
  const rec: Recording = { path, startedAt: ctx.now() };
  conf.recordings.push(rec);
  ctx.recordingSink?.started(path);
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
  ctx.recordingSink?.stopped(rec.path, samples);
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

/** `record <file>`. */
export function recordCommand(ctx: SimContext, conf: Conference, argv: string[]): CommandResult {
  const path = argv[2];
  if (!path) return bad();
  const strip = (p: string): string => p.slice(p.lastIndexOf('}') + 1).replace(/^[ }]+/, '');
  const existing = conf.recordings.find((r) => strip(r.path) === strip(path));
  if (existing) return ok(`-ERR file [${existing.path}] is already being used for recording.\n`);
  startRecording(ctx, conf, path);
  return ok(`+OK Record file ${path}\n`);
}

/** `chkrecord`. */
export function chkrecordCommand(conf: Conference): CommandResult {
  return ok(
    conf.recordings.length === 0
      ? '-ERR Conference is not being recorded.\n'
      : conf.recordings.map((r) => `+OK Record file ${r.path}\n`).join(''),
  );
}

/** `norecord <file>|all`. */
export function norecordCommand(ctx: SimContext, conf: Conference, argv: string[]): CommandResult {
  const target = argv[2];
  if (!target) return bad();
  const all = target.toLowerCase() === 'all';
  const matching = conf.recordings.filter((r) => all || r.path === target);
  let out = matching.map((r) => `Stopped recording file ${r.path}\n`).join('');
  if (matching.length === 0 && !all) out += `-ERR non-existant recording '${target}'\n`;
  for (const r of matching) stopRecording(ctx, conf, r);
  // The record thread lowers the count after the reply is written, so FreeSWITCH always says 0.
  return ok(`${out}+OK Stopped recording 0 files\n`);
}
