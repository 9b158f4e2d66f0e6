// Why `record` waits: FreeSWITCH answers `record` before its record thread fires start-recording (about
// 20 ms later in the transcripts), so without waiting for the live state (the `awaits` column) a
// `record&status` right after `record` would still say NO_RECORDING, and a second `record` would start
// a second file. One `record` at a time per conference, then.

/** Conferences with a `record` on its way: a second one meanwhile answers IN_PROGRESS and sends nothing. */
export class PendingRecordings {
  private readonly starting = new Set<string>();

  /** Runs `start` unless one is already running for `conference`; returns undefined if so. */
  async exclusive<T>(conference: string, start: () => Promise<T>): Promise<T | undefined> {
    if (this.starting.has(conference)) return undefined;
    this.starting.add(conference);
    try {
      return await start();
    } finally {
      this.starting.delete(conference);
    }
  }
}
