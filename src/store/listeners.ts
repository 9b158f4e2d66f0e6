// The store's subscribers: every committed change reaches each of them in commit order; one that
// throws is logged and never stops the others (or the write that caused the change).
import type { Logger } from '../log.js';
import type { StoreChange, StoreListener } from './store.js';

export class StoreListeners {
  private readonly listeners = new Set<StoreListener>();

  constructor(private readonly logger: Logger | undefined) {}

  add(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(changes: readonly StoreChange[]): void {
    for (const change of changes) {
      for (const listener of this.listeners) {
        try {
          listener(change);
        } catch (err) {
          this.logger?.error(
            { err: err instanceof Error ? err.message : String(err) },
            'store listener failed',
          );
        }
      }
    }
  }
}
