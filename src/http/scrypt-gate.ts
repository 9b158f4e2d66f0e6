// A cap on password hashing in flight, for the whole process. scrypt runs on libuv's small thread pool
// (shared with file I/O), and each check costs tens of milliseconds of CPU: without a cap, a flood of
// guesses queues thousands of checks and a real login waits behind all of them.
// At most `concurrency` checks run and `queue` wait; beyond that an attempt is refused at once (the
// caller answers 503 with Retry-After). The queue is fair between clients: a check waits behind the
// checks of clients that have fewer in the gate than its own client has, so one address's flood
// delays a stranger by at most the checks already running; when the queue is full, a newcomer with a
// smaller share takes the place of the waiting check of the busiest client. Priority work (a user at an
// address they logged in from before) goes first and is never refused.

import { availableParallelism } from 'node:os';

export interface ScryptGateOptions {
  concurrency: number;
  queue: number;
}

/** One check per core but one (the event loop keeps a core to answer everything else), at most 4. */
export const DEFAULT_SCRYPT_GATE: ScryptGateOptions = {
  concurrency: Math.max(1, Math.min(4, availableParallelism() - 1)),
  queue: 32,
};

export class GateFullError extends Error {
  constructor() {
    super('too many password checks in progress');
    this.name = 'GateFullError';
  }
}

interface Waiter {
  /** Checks its client already had in the gate when it arrived; -1 for priority work. */
  share: number;
  seq: number;
  start: () => void;
  refuse: (err: Error) => void;
}

export class ScryptGate {
  private running = 0;
  private seq = 0;
  private readonly waiting: Waiter[] = [];
  private readonly perClient = new Map<string, number>();

  constructor(private readonly options: ScryptGateOptions = DEFAULT_SCRYPT_GATE) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
      throw new RangeError('concurrency must be >= 1');
    if (!Number.isInteger(options.queue) || options.queue < 0) throw new RangeError('queue must be >= 0');
  }

  /** Runs `work` for `client` when its turn comes; rejects with GateFullError when there is no room. */
  async run<T>(work: () => Promise<T>, client: string, priority = false): Promise<T> {
    const share = priority ? -1 : (this.perClient.get(client) ?? 0);
    this.perClient.set(client, (this.perClient.get(client) ?? 0) + 1);
    try {
      if (this.running < this.options.concurrency) this.running++;
      else await this.wait(share);
    } catch (err) {
      this.leave(client);
      throw err;
    }
    try {
      return await work();
    } finally {
      this.leave(client);
      this.release();
    }
  }

  /** Checks running and waiting now (for tests and metrics). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private leave(client: string): void {
    const left = (this.perClient.get(client) ?? 1) - 1;
    if (left === 0) this.perClient.delete(client);
    else this.perClient.set(client, left);
  }

  private wait(share: number): Promise<void> {
    if (share >= 0 && this.waiting.filter((w) => w.share >= 0).length >= this.options.queue) {
      const worst = this.pick((a, b) => a.share > b.share || (a.share === b.share && a.seq > b.seq));
      if (worst === undefined || worst.share <= share) return Promise.reject(new GateFullError());
      this.waiting.splice(this.waiting.indexOf(worst), 1);
      worst.refuse(new GateFullError());
    }
    return new Promise<void>((start, refuse) => {
      this.waiting.push({ share, seq: this.seq++, start, refuse });
    });
  }

  private release(): void {
    const next = this.pick((a, b) => a.share < b.share || (a.share === b.share && a.seq < b.seq));
    if (next === undefined) {
      this.running--;
      return;
    }
    this.waiting.splice(this.waiting.indexOf(next), 1);
    // The slot passes straight to the next waiter: `running` stays the same.
    next.start();
  }

  /** The waiter that comes first by `before` (the queue is short: a scan is cheapest). */
  private pick(before: (a: Waiter, b: Waiter) => boolean): Waiter | undefined {
    let best: Waiter | undefined;
    for (const w of this.waiting) if (best === undefined || before(w, best)) best = w;
    return best;
  }
}
