// A conference's recordings in RECORDINGS_DIR: listed (start time, duration, size), opened for a
// download, deleted. The daemon reads that directory only when it can (the same host as FreeSWITCH,
// or a shared volume); when it cannot, every answer says so instead of pretending there is nothing.
// No name from a URL reaches the file system as given: a file is used only when the directory listing
// holds it and it belongs to the conference (domain/recording-files.ts), and it is opened without
// following links, as a regular file.
import { constants, type Dirent } from 'node:fs';
import { open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { recordingOf, type RecordingSource } from '../domain/recording-files.js';
import { durationOfWav, WAV_PROBE_BYTES } from '../domain/wav-duration.js';
import type { RecordingLedger } from './recording-ledger.js';

export interface RecordingEntry {
  name: string;
  /** How it was started: the daemon's `record`, auto-record, or a file name FreeSWITCH reported. */
  source: RecordingSource;
  /** Epoch ms. */
  'start-time': number;
  /** Milliseconds of audio (so far, while it runs); null when the format does not say. */
  duration: number | null;
  /** Bytes. */
  size: number;
  /** FreeSWITCH is still recording to it. */
  recording: boolean;
}

export type LibraryResult<T> = { ok: true; value: T } | { ok: false; status: 404 | 409; error: string };

export interface OpenRecording {
  entry: RecordingEntry;
  handle: FileHandle;
  /** Last modified, epoch ms. */
  modified: number;
}

export interface RecordingLibraryOptions {
  recordingsDir: string;
  ledger: RecordingLedger;
  /** Paths FreeSWITCH is recording the conference to now (the live state), with their start times. */
  running: (conference: string) => ReadonlyArray<{ path: string; startedAt: number }>;
}

/** At most this many recordings are listed per conference (the newest). */
export const MAX_LISTED = 1000;

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0);

export class RecordingLibrary {
  private readonly dir: string;

  constructor(private readonly options: RecordingLibraryOptions) {
    this.dir = path.resolve(options.recordingsDir);
  }

  async list(conference: string): Promise<LibraryResult<RecordingEntry[]>> {
    const found = await this.candidates(conference);
    if (!found.ok) return found;
    const entries: RecordingEntry[] = [];
    for (const candidate of found.value) {
      const opened = await this.openCandidate(candidate);
      if (opened === undefined) continue;
      await opened.handle.close();
      entries.push(opened.entry);
    }
    entries.sort((a, b) => a['start-time'] - b['start-time'] || (a.name < b.name ? -1 : 1));
    return { ok: true, value: entries.slice(-MAX_LISTED) };
  }

  /** The recording opened for reading; the caller closes the handle. */
  async open(conference: string, name: string): Promise<LibraryResult<OpenRecording>> {
    const found = await this.candidates(conference);
    if (!found.ok) return found;
    const candidate = found.value.find((c) => c.name === name);
    const opened = candidate === undefined ? undefined : await this.openCandidate(candidate);
    return opened === undefined ? noSuchRecording() : { ok: true, value: opened };
  }

  async remove(conference: string, name: string): Promise<LibraryResult<RecordingEntry>> {
    const opened = await this.open(conference, name);
    if (!opened.ok) return opened;
    await opened.value.handle.close();
    const entry = opened.value.entry;
    if (entry.recording)
      return { ok: false, status: 409, error: 'FreeSWITCH is still recording it; stop the recording first' };
    try {
      await unlink(path.join(this.dir, entry.name));
    } catch (err) {
      if (codeOf(err) === 'ENOENT') return noSuchRecording();
      return { ok: false, status: 409, error: 'the daemon may not delete files in RECORDINGS_DIR' };
    }
    return { ok: true, value: entry };
  }

  /** The directory's files that belong to `conference`, by name. */
  private async candidates(conference: string): Promise<LibraryResult<Candidate[]>> {
    let files: Dirent[];
    try {
      files = await readdir(this.dir, { withFileTypes: true });
    } catch (err) {
      return unreadable(codeOf(err));
    }
    const seen = this.options.ledger.seenFor(conference);
    const running = new Map<string, number>();
    for (const r of this.options.running(conference)) {
      if (path.dirname(path.resolve(r.path)) !== this.dir) continue;
      const name = path.basename(r.path);
      running.set(name, r.startedAt);
      if (!seen.has(name)) seen.set(name, r.startedAt);
    }
    const out: Candidate[] = [];
    for (const file of files) {
      // a link or a directory never counts, whatever it is called
      if (!file.isFile()) continue;
      const known = recordingOf(file.name, conference, seen);
      if (known !== undefined)
        out.push({
          name: file.name,
          source: known.source,
          startedAt: known.startedAt,
          running: running.has(file.name),
        });
    }
    return { ok: true, value: out };
  }

  private async openCandidate(candidate: Candidate): Promise<OpenRecording | undefined> {
    let handle: FileHandle;
    try {
      handle = await open(path.join(this.dir, candidate.name), OPEN_FLAGS);
    } catch {
      return undefined; // gone meanwhile, a link, or not ours to read
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) {
        await handle.close();
        return undefined;
      }
      let duration: number | null = null;
      if (candidate.name.endsWith('.wav')) {
        const head = Buffer.alloc(Math.min(WAV_PROBE_BYTES, stat.size));
        const { bytesRead } = await handle.read(head, 0, head.length, 0);
        duration = durationOfWav(head.subarray(0, bytesRead), stat.size) ?? null;
      }
      const start = candidate.startedAt ?? Math.round(stat.mtimeMs - (duration ?? 0));
      return {
        handle,
        modified: stat.mtimeMs,
        entry: {
          name: candidate.name,
          source: candidate.source,
          'start-time': start,
          duration,
          size: stat.size,
          recording: candidate.running,
        },
      };
    } catch {
      await handle.close();
      return undefined;
    }
  }
}

interface Candidate {
  name: string;
  source: RecordingSource;
  startedAt: number | undefined;
  running: boolean;
}

const codeOf = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : undefined;

const noSuchRecording = (): LibraryResult<never> => ({
  ok: false,
  status: 404,
  error: 'no such recording of this conference',
});

function unreadable(code: string | undefined): LibraryResult<never> {
  const why =
    code === 'ENOENT' || code === 'ENOTDIR'
      ? 'RECORDINGS_DIR does not exist where the daemon runs'
      : 'the daemon may not read RECORDINGS_DIR';
  return {
    ok: false,
    status: 404,
    error: `recordings are not available here: ${why}. FreeSWITCH writes them on its own host; give the daemon that directory (the same host or a shared volume) to list and download them`,
  };
}
