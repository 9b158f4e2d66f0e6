// What the ESL client says about its connection in the log: loud once per streak of failures, quiet
// (debug) for the rest, so a dead or misconfigured node cannot flood the log.
import type { Logger } from '../log.js';
import { EslAuthError } from './errors.js';
import type { SessionEnd } from './session.js';

export class ConnectionLog {
  /** Failed connection attempts since the last successful one. */
  private failureStreak = 0;
  private authFailing = false;

  constructor(private readonly log: Logger) {}

  connected(): void {
    if (this.failureStreak > 0) this.log.info({ failedAttempts: this.failureStreak }, 'ESL connected again');
    else this.log.info('ESL connected');
    this.failureStreak = 0;
    this.authFailing = false;
  }

  /** Logs how a session or attempt ended; returns whether FreeSWITCH refused the password. */
  ended({ reason, error }: SessionEnd, wasConnected: boolean, running: boolean): boolean {
    const authFailed = error instanceof EslAuthError;
    if (authFailed) {
      if (!this.authFailing) this.log.error({ err: error }, 'ESL password rejected; retrying with backoff');
      else this.log.debug({ reason }, 'ESL password rejected again');
      this.authFailing = true;
    } else if (wasConnected) {
      if (running) this.log.warn({ reason, error: error?.message }, 'ESL connection lost');
      else this.log.info({ reason }, 'ESL connection closed');
    } else if (running) {
      if (this.failureStreak === 0)
        this.log.warn({ reason }, 'ESL connection attempt failed; retrying with backoff');
      else
        this.log.debug({ reason, failedAttempts: this.failureStreak + 1 }, 'ESL connection attempt failed');
    }
    if (!wasConnected) this.failureStreak++;
    return authFailed;
  }
}
