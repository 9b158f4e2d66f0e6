// The recordings FreeSWITCH reported starting (start-recording events) whose files lie directly in
// RECORDINGS_DIR: the way a recording started under any file name (a `record <file>` from elsewhere)
// is known to belong to its conference. In memory, bounded, since the daemon started; recordings under
// the daemon's own and the auto-record naming schemes are found by name and need no entry here.
import path from 'node:path';
import type { EslEvent } from '../esl/events.js';
import type { EslPool } from '../esl/pool.js';
import { RECORDING_FILE_RE } from '../domain/recording-files.js';
import { CONFERENCE_SUBCLASS } from '../state/conferences.js';
import { eventTime } from '../state/event-fields.js';

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

  /** Follows every node's events. */
  follow(pool: EslPool): void {
    for (const client of pool.all()) client.on('event', (event) => this.observe(event));
  }

  observe(event: EslEvent): void {
    if (event.name !== 'CUSTOM' || event.subclass !== CONFERENCE_SUBCLASS) return;
    const h = event.headers;
    if (h['Action'] !== 'start-recording') return;
    const conference = h['Conference-Name'];
    const file = h['Path'];
    if (conference === undefined || file === undefined || !path.isAbsolute(file)) return;
    const name = path.basename(file);
    if (path.resolve(file) !== path.join(this.dir, name) || !RECORDING_FILE_RE.test(name)) return;
    const key = `${conference}\0${name}`;
    this.entries.delete(key);
    this.entries.set(key, eventTime(h, Date.now));
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
