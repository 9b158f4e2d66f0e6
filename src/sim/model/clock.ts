// Time for the telephony model. FreeSWITCH stamps events in microseconds; the model asks the clock for
// "now" and schedules every delayed step (ringing, answering, media) through it, so tests can run a
// 30-second scenario in milliseconds with ManualClock and the demo runs in real time with RealClock.

export type Cancel = () => void;

export interface SimClock {
  /** Wall-clock time in microseconds since the epoch. */
  nowMicros(): number;
  /** Runs `fn` after `ms` milliseconds (0 = on the next turn, never synchronously). */
  schedule(ms: number, fn: () => void): Cancel;
}

export class RealClock implements SimClock {
  private readonly timers = new Set<NodeJS.Timeout>();

  nowMicros(): number {
    // performance.timeOrigin + now() gives sub-millisecond resolution, like FreeSWITCH's timestamps.
    return Math.floor((performance.timeOrigin + performance.now()) * 1000);
  }

  schedule(ms: number, fn: () => void): Cancel {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  /** Cancels everything still scheduled (used on shutdown so no timer keeps the process alive). */
  cancelAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

interface Timer {
  due: number;
  seq: number;
  fn: () => void;
}

/** A clock that only moves when told to. Timers due at the same instant run in scheduling order. */
export class ManualClock implements SimClock {
  private micros: number;
  private seq = 0;
  private timers: Timer[] = [];
  private settler: (() => Promise<void>) | undefined;

  constructor(startMicros = Date.UTC(2026, 10, 22, 12, 0, 0) * 1000) {
    this.micros = startMicros;
  }

  nowMicros(): number {
    return this.micros;
  }

  schedule(ms: number, fn: () => void): Cancel {
    const timer: Timer = { due: this.micros + Math.max(0, Math.round(ms * 1000)), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Something to wait for after each timer (the switch's event delivery), so steps happen in order. */
  setSettler(settle: () => Promise<void>): void {
    this.settler = settle;
  }

  private async settle(): Promise<void> {
    await flushMicrotasks();
    if (this.settler) await this.settler();
  }

  /** Number of timers still waiting. */
  get pending(): number {
    return this.timers.length;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way, in order. Between two
   * timers it lets promise callbacks run, so `await` chains inside the model see each step.
   */
  async advance(ms: number): Promise<void> {
    const target = this.micros + Math.round(ms * 1000);
    await this.settle();
    for (;;) {
      const next = this.nextDue();
      if (!next || next.due > target) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.micros = Math.max(this.micros, next.due);
      next.fn();
      await this.settle();
    }
    this.micros = target;
  }

  /** Advances until `absoluteMicros` (no-op if already past). */
  async advanceTo(absoluteMicros: number): Promise<void> {
    if (absoluteMicros > this.micros) await this.advance((absoluteMicros - this.micros) / 1000);
    else await this.settle();
  }

  private nextDue(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers)
      if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    return best;
  }
}

async function flushMicrotasks(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}
