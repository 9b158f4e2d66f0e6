// The live state's change feed: NodeSync publishes the records each applied event (and each resync or
// disconnect) produced, after the state holds them; the event stream, waits for a command's effect and
// other readers subscribe. Publishing is synchronous, so a listener reads the state exactly as the
// records describe it, and every listener sees every change whatever order they subscribed in.
import type { StateChange } from './changes.js';

export type ChangeListener = (nodeId: string, changes: readonly StateChange[]) => void;

export class ChangeFeed {
  /** Copied on (un)subscribe, never on publish: a listener may unsubscribe while being called. */
  private listeners: readonly ChangeListener[] = [];

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: ChangeListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => this.unsubscribe(listener);
  }

  unsubscribe(listener: ChangeListener): void {
    const index = this.listeners.indexOf(listener);
    if (index !== -1) this.listeners = this.listeners.filter((_, i) => i !== index);
  }

  get size(): number {
    return this.listeners.length;
  }

  /**
   * Tells every listener (those subscribed when the publish began). A listener that throws does not
   * keep the others from hearing of the change; the first error is rethrown to the publisher after.
   */
  publish(nodeId: string, changes: readonly StateChange[]): void {
    if (changes.length === 0) return;
    const listeners = this.listeners;
    let failure: { error: unknown } | undefined;
    for (const listener of listeners) {
      try {
        listener(nodeId, changes);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== undefined) throw failure.error;
  }
}
