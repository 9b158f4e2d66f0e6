// Waiting until the live state shows what a command did. FreeSWITCH answers `record` before its record
// thread fires start-recording (about 20 ms later in the transcripts), so without this a `record&status`
// right after `record` would still say NO_RECORDING, and a second `record` would start a second file.
import type { EslClient } from '../esl/client.js';

/**
 * Resolves true once `check()` holds (checked now and after every event from this node, which the
 * node's sync has applied to the live state by then: it subscribed first), false after `timeoutMs`.
 */
export function waitForLiveState(
  client: Pick<EslClient, 'on' | 'off'>,
  check: () => boolean,
  timeoutMs: number,
): Promise<boolean> {
  if (check()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (result: boolean): void => {
      clearTimeout(timer);
      client.off('event', onEvent);
      resolve(result);
    };
    const onEvent = (): void => {
      if (check()) finish(true);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    client.on('event', onEvent);
  });
}

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
