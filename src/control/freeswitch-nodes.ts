// The FreeSWITCH nodes as control/ uses them: which node a command goes to (the one rule), and the
// requests themselves, whose ESL failures become ControlErrors here.
//
// The rule: a running conference's commands go to the node hosting it; anything new (a conference a
// dial starts, a click-to-call) starts on the first configured node that is connected and in sync, so
// the node's sync follows it from its first event and can hang it up if it was answered "not placed".
import type { EslJob } from '../esl/client-types.js';
import type { EslPool } from '../esl/pool.js';
import { lookUpConference, type ConferenceLookup } from '../state/live-lookups.js';
import type { LiveState } from '../state/node-state.js';
import { ControlError, fromEslError, stateUnavailable } from './errors.js';
import { untilLiveState } from './state-wait.js';

export type RunningOrNot = Exclude<ConferenceLookup, { found: 'unknown' }>;

export class FreeswitchNodes {
  constructor(
    readonly live: LiveState,
    private readonly pool: EslPool,
  ) {}

  /** Where a conference runs, or that it runs nowhere; 503 while that cannot be known. */
  conference(name: string): RunningOrNot {
    const found = lookUpConference(this.live, name);
    if (found.found === 'unknown') throw stateUnavailable();
    return found;
  }

  /** The node a new conference or call starts on: the first connected node in sync (FS_ESL order). */
  nodeForNew(): string {
    for (const client of this.pool.all())
      if (client.state === 'connected' && this.live.node(client.nodeId)?.synced === true)
        return client.nodeId;
    if (this.pool.all().length === 0) throw new ControlError(503, 'no FreeSWITCH is configured');
    throw stateUnavailable();
  }

  /**
   * When the node's current connection was made: a new one may be a restarted FreeSWITCH with another
   * configuration. Undefined while it is not connected.
   */
  connectedSince(nodeId: string): number | undefined {
    const client = this.pool.get(nodeId);
    return client?.state === 'connected' ? client.stateSince.getTime() : undefined;
  }

  async api(nodeId: string, line: string, opts?: { timeoutMs?: number }): Promise<string> {
    try {
      return await this.client(nodeId).api(line, opts);
    } catch (err) {
      throw fromEslError(err);
    }
  }

  async bgapi(nodeId: string, line: string, opts?: { timeoutMs?: number }): Promise<string> {
    try {
      return await this.client(nodeId).bgapi(line, opts);
    } catch (err) {
      throw fromEslError(err);
    }
  }

  /**
   * Resolves true once `check()` holds (now, or after a change of the live state), false after
   * `timeoutMs`: FreeSWITCH answers before the events of what it set off arrive.
   */
  until(check: () => boolean, timeoutMs: number): Promise<boolean> {
    return untilLiveState(this.live, check, timeoutMs);
  }

  /** A bgapi job whose acknowledgement and outcome are awaited apart (click-to-call). */
  startJob(nodeId: string, line: string, opts: { timeoutMs: number }): EslJob {
    return this.client(nodeId).startJob(line, opts);
  }

  private client(nodeId: string) {
    const client = this.pool.get(nodeId);
    if (client === undefined) throw stateUnavailable();
    return client;
  }
}
