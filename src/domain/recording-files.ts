// Which files in RECORDINGS_DIR are a conference's recordings, by name alone (pure). A file belongs to
// conference N when its name is:
// - `N-<YYYYMMDDTHHMMSS.mmmZ>.wav`: a `record` the daemon started (recording.ts names them so);
// - `N_<YYYY-MM-DD-HH-MM-SS>.wav`: FreeSWITCH's auto-record, as fsconfig/conference-profile.ts sets
//   it up (`${conference_name}_${strftime(%Y-%m-%d-%H-%M-%S)}.wav`, the FreeSWITCH host's local time);
// - any other plain file name FreeSWITCH reported recording to for N (a `record <file>` from elsewhere),
//   which the daemon remembers from the live state's start-recording events.
// Each pattern holds exactly one time stamp anchored at the end, so no file name can belong to two
// conferences, and no name that is not a plain file name in that one directory is ever accepted.
import { isSafeConferenceName } from './command-args.js';

export type RecordingSource = 'record' | 'autorecord' | 'file';

export interface RecordingName {
  source: RecordingSource;
  /** Epoch ms the name says the recording started; undefined when it does not say. */
  startedAt: number | undefined;
}

/** A plain file name the daemon will open: no path, no leading dot, an audio extension. */
export const RECORDING_FILE_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.(wav|mp3|ogg|flac)$/;

const DAEMON_STAMP_RE = /^-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.(\d{3})Z\.wav$/;
const AUTO_STAMP_RE = /^_(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})\.wav$/;

const numbers = (m: RegExpExecArray): number[] => m.slice(1).map(Number);

/** Epoch ms of a UTC date and time, or undefined when it is no real moment (Date rolls 02-31 over). */
function utcMoment([y, mo, d, h, mi, s, ms = 0]: number[]): number | undefined {
  const t = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, ms));
  const same =
    t.getUTCFullYear() === y && t.getUTCMonth() === mo! - 1 && t.getUTCDate() === d && t.getUTCHours() === h;
  return same && t.getUTCMinutes() === mi && t.getUTCSeconds() === s ? t.getTime() : undefined;
}

/** The same for this host's local time. */
function localMoment([y, mo, d, h, mi, s]: number[]): number | undefined {
  const t = new Date(y!, mo! - 1, d!, h!, mi!, s!);
  const same = t.getFullYear() === y && t.getMonth() === mo! - 1 && t.getDate() === d && t.getHours() === h;
  return same && t.getMinutes() === mi && t.getSeconds() === s ? t.getTime() : undefined;
}

/**
 * Whether `fileName` is one of `conference`'s recordings by its name, and when it started. `seen`:
 * file names FreeSWITCH reported recording to for this conference.
 */
export function recordingOf(
  fileName: string,
  conference: string,
  seen: ReadonlyMap<string, number> = new Map(),
): RecordingName | undefined {
  if (!RECORDING_FILE_RE.test(fileName) || !isSafeConferenceName(conference)) return undefined;
  if (fileName.startsWith(conference)) {
    const rest = fileName.slice(conference.length);
    const daemon = DAEMON_STAMP_RE.exec(rest);
    const daemonAt = daemon ? utcMoment(numbers(daemon)) : undefined;
    if (daemonAt !== undefined) return { source: 'record', startedAt: daemonAt };
    // auto-record names carry the FreeSWITCH host's local time: read as this host's (the same host
    // or a shared volume)
    const auto = AUTO_STAMP_RE.exec(rest);
    const autoAt = auto ? localMoment(numbers(auto)) : undefined;
    if (autoAt !== undefined) return { source: 'autorecord', startedAt: autoAt };
  }
  const seenAt = seen.get(fileName);
  return seenAt === undefined ? undefined : { source: 'file', startedAt: seenAt };
}

/** The MIME type a recording is served with. */
export function recordingContentType(fileName: string): string {
  const ext = fileName.slice(fileName.lastIndexOf('.') + 1);
  switch (ext) {
    case 'mp3':
      return 'audio/mpeg';
    case 'ogg':
      return 'audio/ogg';
    case 'flac':
      return 'audio/flac';
    default:
      return 'audio/wav';
  }
}
