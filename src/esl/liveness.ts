// Is FreeSWITCH still there? A stopped (SIGSTOP), deadlocked or unplugged FreeSWITCH keeps its TCP
// connection open and says nothing, so the socket alone never tells. FreeSWITCH fires a HEARTBEAT
// event every 20 s (switch.conf `event-heartbeat-interval`); when none came for `deadlineMs`, the node
// is asked something cheap (`api status`) with a short timeout of its own. A node that answers is
// alive (its heartbeats may just be configured slower); one that does not is declared dead and the
// client drops the session, so the node's state is reported unavailable at once and rebuilt after a
// reconnect. One watch per session.

export interface LivenessOptions {
  /** Time without a HEARTBEAT after which the node is probed. Default 30,000 ms. */
  heartbeatDeadlineMs?: number;
  /** How long the probe may take, queueing included. Default 5,000 ms. */
  probeTimeoutMs?: number;
}

/**
 * Defaults: one heartbeat (20 s) missed by half an interval, then 5 s for the probe: a frozen node is
 * declared dead 30-35 s after its last heartbeat, at most 35 s after it froze.
 */
export const DEFAULT_LIVENESS: Required<LivenessOptions> = {
  heartbeatDeadlineMs: 30_000,
  probeTimeoutMs: 5_000,
};

export function validateLiveness(options: LivenessOptions = {}): Required<LivenessOptions> {
  const merged = { ...DEFAULT_LIVENESS, ...options };
  for (const [name, value] of Object.entries(merged))
    if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`${name} must be > 0`);
  return merged;
}

export interface LivenessHooks {
  /** Asks the node something cheap; resolves if it answered within `timeoutMs`. */
  probe(timeoutMs: number): Promise<unknown>;
  /** The node answered the probe although its heartbeat was late (once per late period). */
  lateButAlive(silentMs: number): void;
  /** No heartbeat and no answer: the session must go. */
  dead(reason: string): void;
}

export class LivenessWatch {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private probeOut = false;
  private lastHeard = Date.now();

  constructor(
    private readonly options: Required<LivenessOptions>,
    private readonly hooks: LivenessHooks,
  ) {
    this.arm();
  }

  /** A probe is out: the heartbeat is late. */
  get probing(): boolean {
    return this.probeOut;
  }

  /** Why the node would be declared dead now (used when the probe's own request is what got stuck). */
  failureReason(): string {
    const silentMs = Date.now() - this.lastHeard;
    return `no HEARTBEAT for ${(silentMs / 1000).toFixed(1)} s and no answer to a probe within ${this.options.probeTimeoutMs} ms`;
  }

  /** A HEARTBEAT arrived: the deadline starts again. */
  heartbeat(): void {
    if (this.stopped) return;
    this.lastHeard = Date.now();
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.overdue(), this.options.heartbeatDeadlineMs);
    this.timer.unref();
  }

  private async overdue(): Promise<void> {
    this.timer = undefined;
    const silentMs = Date.now() - this.lastHeard;
    let answered: boolean;
    this.probeOut = true;
    try {
      await this.hooks.probe(this.options.probeTimeoutMs);
      answered = true;
    } catch {
      answered = false;
    }
    this.probeOut = false;
    // A heartbeat during the probe re-armed the watch; a stopped watch belongs to an ended session.
    if (this.stopped || this.timer !== undefined) return;
    if (answered) {
      this.hooks.lateButAlive(silentMs);
      this.arm();
      return;
    }
    this.stopped = true;
    this.hooks.dead(this.failureReason());
  }
}
