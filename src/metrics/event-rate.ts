// Events per second over a sliding window, from a monotonic counter sampled now and then (the ESL
// client's eventsReceived). Pure: the caller passes the clock.

export class EventRate {
  /** [time ms, counter value], oldest first; at most one sample per `minSpacingMs`. */
  private readonly samples: Array<[number, number]> = [];

  constructor(
    private readonly windowMs = 10_000,
    private readonly minSpacingMs = 500,
  ) {}

  record(now: number, total: number): void {
    const last = this.samples.at(-1);
    // A smaller total means the counter restarted (a new client): the old samples mean nothing now.
    if (last !== undefined && total < last[1]) this.samples.length = 0;
    else if (last !== undefined && now - last[0] < this.minSpacingMs) return;
    this.samples.push([now, total]);
    // Keep one sample older than the window, so the rate always spans the whole window.
    while (this.samples.length > 2 && now - this.samples[1]![0] >= this.windowMs) this.samples.shift();
  }

  /** Per second over the window ending at the latest sample; 0 until two samples exist. */
  perSecond(): number {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (first === undefined || last === undefined || last[0] <= first[0]) return 0;
    return ((last[1] - first[1]) * 1000) / (last[0] - first[0]);
  }
}
