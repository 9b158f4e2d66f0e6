// A cap on password hashing in flight, for the whole process. scrypt runs on libuv's small thread pool
// (shared with file I/O), and each check costs tens of milliseconds of CPU: without a cap, a flood of
// guesses from many addresses queues thousands of checks and a real login waits behind all of them.
// At most `concurrency` checks run and `queue` wait; beyond that an attempt is refused at once (the
// caller answers 503 with Retry-After). Priority work (a user at an address they logged in from
// before) waits at the front and is never refused, so a flood cannot starve known users.

export interface ScryptGateOptions {
  concurrency: number;
  queue: number;
}

export const DEFAULT_SCRYPT_GATE: ScryptGateOptions = { concurrency: 2, queue: 32 };

export class GateFullError extends Error {
  constructor() {
    super('too many password checks in progress');
    this.name = 'GateFullError';
  }
}

export class ScryptGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private priorityWaiting = 0;

  constructor(private readonly options: ScryptGateOptions = DEFAULT_SCRYPT_GATE) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
      throw new RangeError('concurrency must be >= 1');
    if (!Number.isInteger(options.queue) || options.queue < 0) throw new RangeError('queue must be >= 0');
  }

  /** Runs `work` when a slot is free; rejects with GateFullError at once when the queue is full. */
  async run<T>(work: () => Promise<T>, priority = false): Promise<T> {
    if (this.running >= this.options.concurrency) {
      if (!priority && this.waiting.length - this.priorityWaiting >= this.options.queue)
        throw new GateFullError();
      await new Promise<void>((resolve) => {
        if (priority) {
          this.waiting.splice(this.priorityWaiting, 0, resolve);
          this.priorityWaiting++;
        } else this.waiting.push(resolve);
      });
    } else this.running++;
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  /** Checks running and waiting now (for tests and metrics). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next === undefined) {
      this.running--;
      return;
    }
    if (this.priorityWaiting > 0) this.priorityWaiting--;
    // The slot passes straight to the next waiter: `running` stays the same.
    next();
  }
}
