// Channels that must not live: a click-to-call whose originate was written to FreeSWITCH but never
// acknowledged (FreeSWITCH froze, or the connection dropped) was answered "not placed" (504). A
// FreeSWITCH that resumes still runs the command it had read, minutes late, so control/ hangs up a
// channel with that uuid if a snapshot or an event shows it (control/unwanted-calls.ts). Entries are kept until
// the channel is killed, or for `watchMs` after the node is next in sync (FreeSWITCH runs what it had
// read as soon as it resumes), and at most `maxEntries` of them (the oldest go first).

export interface UnwantedChannelsOptions {
  /** How long after the node's next sync a late channel is still watched for. Default 120,000 ms. */
  watchMs?: number;
  /** Default 10,000. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  nodeId: string;
  uuid: string;
  /** Epoch ms after which the entry is dropped; undefined until the node was in sync again. */
  watchUntil: number | undefined;
}

export class UnwantedChannels {
  /** By node, then uuid; Map order is insertion order, which makes "oldest first" free. */
  private readonly byNode = new Map<string, Map<string, Entry>>();
  private size = 0;
  private readonly watchMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: UnwantedChannelsOptions = {}) {
    this.watchMs = options.watchMs ?? 120_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  get count(): number {
    return this.size;
  }

  /** Marks a channel uuid of a node as one that must be hung up if it ever shows. */
  add(nodeId: string, uuid: string): void {
    let node = this.byNode.get(nodeId);
    if (node === undefined) this.byNode.set(nodeId, (node = new Map()));
    if (!node.has(uuid)) this.size++;
    node.set(uuid, { nodeId, uuid, watchUntil: undefined });
    while (this.size > this.maxEntries) this.dropOldest();
  }

  has(nodeId: string, uuid: string): boolean {
    return this.byNode.get(nodeId)?.has(uuid) === true;
  }

  /** Forgets one entry (its channel was hung up). */
  remove(nodeId: string, uuid: string): void {
    const node = this.byNode.get(nodeId);
    if (node?.delete(uuid) === true) this.size--;
    if (node?.size === 0) this.byNode.delete(nodeId);
  }

  /** The node is in sync again: starts (or keeps) each entry's watch window, drops expired ones,
   * and returns the uuids still watched. */
  synced(nodeId: string): string[] {
    const node = this.byNode.get(nodeId);
    if (node === undefined) return [];
    const now = this.now();
    for (const entry of [...node.values()]) {
      entry.watchUntil ??= now + this.watchMs;
      if (entry.watchUntil <= now) this.remove(nodeId, entry.uuid);
    }
    return [...(this.byNode.get(nodeId)?.keys() ?? [])];
  }

  private dropOldest(): void {
    for (const [nodeId, node] of this.byNode) {
      const first = node.keys().next();
      if (!first.done) {
        this.remove(nodeId, first.value);
        return;
      }
    }
  }
}
