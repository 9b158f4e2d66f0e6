// Where `record` writes: always the configured recordings directory. `record` alone: the daemon picks
// the file from the conference name and the UTC start time to the millisecond, e.g.
// /var/lib/fs-confd/recordings/team-20261122T101500.123Z.wav. `record&<file name>` (sipX's
// `record <filename>`): that plain name in the same directory, never a path (see recordingFileName).
import { isSafeConferenceName } from './command-args.js';
import { isSafeAbsoluteDir } from './sounds.js';
import type { Check } from './check.js';
import { fail, ok } from './check.js';

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
 * Formats FreeSWITCH records by file extension (switch_core_file_open picks the file module by it):
 * .wav and .flac by mod_sndfile (loaded in every stock configuration), .mp3 by mod_shout. A name
 * without an extension records as .wav.
 */
export const RECORDING_EXTENSIONS = ['wav', 'mp3', 'flac'] as const;
export const MAX_RECORDING_NAME = 128;
/** Dot-separated words of letters, digits, _ and -: no `/`, no `..`, no leading dot, nothing to quote. */
const RECORDING_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$/;
const DAEMON_NAME_RE = new RegExp(`-${STAMP_RE}\\.wav$`, 'i');

/**
 * A file name a client may give `record`: a plain name (no directory part, no `..`, no control or
 * special characters) ending in one of RECORDING_EXTENSIONS, or with no extension at all (then `.wav`
 * is added). Names shaped like the daemon's own (`<conference>-<time>.wav`) are refused, so a client
 * cannot overwrite another conference's recording by guessing its name. Returns the file name.
 */
export function recordingFileName(requested: string): Check<string> {
  if (requested.length === 0 || requested.length > MAX_RECORDING_NAME)
    return fail(`a file name has 1-${MAX_RECORDING_NAME} characters`);
  if (!RECORDING_NAME_RE.test(requested))
    return fail('a file name is letters, digits, _ - and dots between them (no directory, no ..)');
  const dot = requested.lastIndexOf('.');
  const name = dot === -1 ? `${requested}.wav` : requested;
  const extension = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  if (!(RECORDING_EXTENSIONS as readonly string[]).includes(extension))
    return fail(`a recording is ${RECORDING_EXTENSIONS.map((e) => `.${e}`).join(', ')} (or no extension)`);
  if (DAEMON_NAME_RE.test(name)) return fail("names like <conference>-<time>.wav are the daemon's own");
  return ok(name);
}

/** Where `record&<file name>` writes: the checked name in the recordings directory. */
export function namedRecordingPath(recordingsDir: string, requested: string): Check<string> {
  if (!isSafeAbsoluteDir(recordingsDir)) return fail('the recordings directory is not configured safely');
  const name = recordingFileName(requested);
  return name.ok ? ok(`${dirOf(recordingsDir)}/${name.value}`) : name;
}

/**
 * `norecord <file>` may name only a recording the daemon starts: one it picked for this conference, or
 * a name a client gave `record` (recordingFileName's grammar), either as its full path or its file
 * name. Returns the full path.
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
  if (fileRe.test(fileName)) return ok(`${dir}/${fileName}`);
  const named = recordingFileName(fileName);
  // Only the exact name `record` would have written (no .wav added here: norecord names a file).
  if (named.ok && named.value === fileName) return ok(`${dir}/${fileName}`);
  return fail('not a recording the daemon started for this conference');
}
