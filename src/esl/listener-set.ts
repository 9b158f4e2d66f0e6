// A tiny typed event emitter whose listeners cannot hurt the emitter: a listener that throws (or
// returns a promise that rejects) is reported to `onError` and the other listeners still run.
// Used for the ESL client's events, which are emitted from inside the socket's data handler.

type AnyListener = (...args: never[]) => unknown;

export class ListenerSet<Events extends { [K in keyof Events]: AnyListener }> {
  private readonly byName = new Map<keyof Events, Set<AnyListener>>();

  constructor(private readonly onError: (name: string, err: unknown) => void) {}

  add<K extends keyof Events>(name: K, listener: Events[K]): void {
    let set = this.byName.get(name);
    if (!set) this.byName.set(name, (set = new Set()));
    set.add(listener);
  }

  remove<K extends keyof Events>(name: K, listener: Events[K]): void {
    this.byName.get(name)?.delete(listener);
  }

  count(name: keyof Events): number {
    return this.byName.get(name)?.size ?? 0;
  }

  emit<K extends keyof Events>(name: K, ...args: Parameters<Events[K]>): void {
    const set = this.byName.get(name);
    if (!set || set.size === 0) return;
    // A snapshot: listeners added or removed by a listener take effect from the next emit.
    for (const listener of [...set]) {
      try {
        const result = (listener as (...a: Parameters<Events[K]>) => unknown)(...args);
        if (isThenable(result)) result.then(undefined, (err: unknown) => this.report(name, err));
      } catch (err) {
        this.report(name, err);
      }
    }
  }

  private report(name: keyof Events, err: unknown): void {
    try {
      this.onError(String(name), err);
    } catch {
      // The error reporter itself must not throw into the socket either.
    }
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
