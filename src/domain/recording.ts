// Where `record` writes. The daemon picks the file (never the URL): the configured recordings
// directory, the conference name and the UTC start time to the millisecond, e.g.
// /var/lib/fs-confd/recordings/team-20261122T101500.123Z.wav
import { isSafeConferenceName } from './command-args.js';
import { isSafeAbsoluteDir } from './sounds.js';
import type { Check } from './url-decoding.js';
import { fail, ok } from './url-decoding.js';

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** `20261122T101500.123Z`: sortable, and only digits, T, dot and Z. */
export function utcStamp(now: Date): string {
  return (
    `${pad(now.getUTCFullYear(), 4)}${pad(now.getUTCMonth() + 1, 2)}${pad(now.getUTCDate(), 2)}` +
    `T${pad(now.getUTCHours(), 2)}${pad(now.getUTCMinutes(), 2)}${pad(now.getUTCSeconds(), 2)}` +
    `.${pad(now.getUTCMilliseconds(), 3)}Z`
  );
}

const STAMP_RE = '[0-9]{8}T[0-9]{6}\\.[0-9]{3}Z';

const escapeRe = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

function dirOf(recordingsDir: string): string {
  return recordingsDir.endsWith('/') ? recordingsDir.slice(0, -1) : recordingsDir;
}

/** The file a new recording of `confName` started at `now` goes to. */
export function recordingPath(recordingsDir: string, confName: string, now: Date): Check<string> {
  if (!isSafeAbsoluteDir(recordingsDir)) return fail('the recordings directory is not configured safely');
  if (!isSafeConferenceName(confName)) return fail('conference name unusable in a file name');
  if (Number.isNaN(now.getTime())) return fail('invalid clock');
  return ok(`${dirOf(recordingsDir)}/${confName}-${utcStamp(now)}.wav`);
}

/**
 * `norecord <file>` may name only a recording the daemon starts for this conference: either its full
 * path or just its file name. Returns the full path.
 */
export function checkDaemonRecording(
  requested: string,
  recordingsDir: string,
  confName: string,
): Check<string> {
  if (!isSafeAbsoluteDir(recordingsDir)) return fail('the recordings directory is not configured safely');
  if (!isSafeConferenceName(confName)) return fail('conference name unusable in a file name');
  const dir = dirOf(recordingsDir);
  const fileRe = new RegExp(`^${escapeRe(confName)}-${STAMP_RE}\\.wav$`);
  const fileName = requested.startsWith(`${dir}/`) ? requested.slice(dir.length + 1) : requested;
  if (!fileRe.test(fileName)) return fail('not a recording the daemon started for this conference');
  return ok(`${dir}/${fileName}`);
}
