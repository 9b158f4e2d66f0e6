// Delivery of the model's events. FreeSWITCH fires events onto a queue that a separate thread hands to
// ESL clients, so an `api` reply reaches the client before the events the command caused. The model
// does the same: events are stamped when they happen and published, in order, on a later turn of the
// event loop. `afterFlush` marks a point in that stream: its callback runs once the events before it are
// out, and the rest waits a turn, so whatever the callback sets off (an originate's reply becoming a
// BACKGROUND_JOB) lands between them, as it does in the transcripts.
import type { SimEvent, SimEventBus } from '../types.js';

export class EventQueue {
  private pending: Array<SimEvent | (() => void)> = [];
  private scheduled = false;

  constructor(private readonly bus: SimEventBus) {}

  push(event: SimEvent): void {
    this.pending.push(event);
    this.schedule();
  }

  /** Runs `fn` right after every event queued so far has been published. */
  afterFlush(fn: () => void): void {
    this.pending.push(fn);
    this.schedule();
  }

  /** True while something is waiting to be published. */
  get busy(): boolean {
    return this.pending.length > 0 || this.scheduled;
  }

  /** Publishes up to (and including) the next marker; the rest goes on the next turn. */
  private drain(): void {
    while (this.pending.length > 0) {
      const item = this.pending.shift()!;
      if (typeof item !== 'function') {
        this.bus.publish(item);
        continue;
      }
      item();
      if (this.pending.length > 0) this.schedule();
      return;
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }
}
