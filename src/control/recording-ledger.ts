// The recordings FreeSWITCH reported starting (the live state's recording-started records, and those
// running when a node synced) whose files lie directly in RECORDINGS_DIR: the way a recording started
// under any file name (a `record <file>` from elsewhere) is known to belong to its conference. In
// memory, bounded, since the daemon started; recordings under the daemon's own and the auto-record
// naming schemes are found by name and need no entry here.
import path from 'node:path';
import { RECORDING_FILE_RE } from '../domain/recording-files.js';
import type { StateChange } from '../state/changes.js';
import type { Recording } from '../state/conferences.js';
import type { LiveState } from '../state/node-state.js';

/** Entries kept at most (the oldest are forgotten first). */
export const LEDGER_LIMIT = 10_000;

export class RecordingLedger {
  /** `conference \0 file` → when it started (epoch ms), oldest first. */
  private readonly entries = new Map<string, number>();
  private readonly dir: string;

  constructor(
    recordingsDir: string,
    private readonly limit = LEDGER_LIMIT,
  ) {
    this.dir = path.resolve(recordingsDir);
  }

  /** Follows the live state's changes; returns the function that stops following. */
  follow(live: Pick<LiveState, 'changes' | 'node'>): () => void {
    return live.changes.subscribe((nodeId, changes) => this.observe(live, nodeId, changes));
  }

  /** Notes the recordings `changes` started (or, after a resync, found running) on the node. */
  observe(live: Pick<LiveState, 'node'>, nodeId: string, changes: readonly StateChange[]): void {
    for (const change of changes) {
      if (change.kind === 'recording' && change.how === 'started') {
        const conference = live.node(nodeId)?.conferences.conferences.get(change.conference);
        const recording = conference?.recordings.find((r) => r.path === change.path);
        if (recording !== undefined) this.note(change.conference, recording, true);
      } else if (change.kind === 'node' && change.how === 'synced') {
        // Recordings that started while the node was being (re)synced have no record of their own.
        for (const conference of live.node(nodeId)?.conferences.conferences.values() ?? [])
          for (const recording of conference.recordings) this.note(conference.name, recording, false);
      }
    }
  }

  /** `started`: a new start (it becomes the newest entry); else only noted when not known yet. */
  private note(conference: string, recording: Recording, started: boolean): void {
    const file = recording.path;
    if (!path.isAbsolute(file)) return;
    const name = path.basename(file);
    if (path.resolve(file) !== path.join(this.dir, name) || !RECORDING_FILE_RE.test(name)) return;
    const key = `${conference}\0${name}`;
    if (!started && this.entries.has(key)) return;
    this.entries.delete(key);
    this.entries.set(key, recording.startedAt);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The file names (in RECORDINGS_DIR) FreeSWITCH recorded `conference` to, with their start times. */
  seenFor(conference: string): Map<string, number> {
    const prefix = `${conference}\0`;
    const seen = new Map<string, number>();
    for (const [key, at] of this.entries) if (key.startsWith(prefix)) seen.set(key.slice(prefix.length), at);
    return seen;
  }
}
