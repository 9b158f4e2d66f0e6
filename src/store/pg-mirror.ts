// The PostgreSQL store's in-memory copy of the database: the Dataset every read is served from, the
// change-log seq it reflects, and the ways it is brought up to date (the rows some commits touched, a
// whole snapshot, a row just locked, a local commit). Every difference reaches the subscribers.
import type { ClientBase } from 'pg';
import type { Logger } from '../log.js';
import { Dataset, type Plan } from './dataset.js';
import { datasetFrom, refreshKeys, replaceAll, sameRecord } from './dataset-sync.js';
import type { StoreListeners } from './listeners.js';
import { readRecords, readSnapshot, type ChangeLog, type RecordKind } from './pg-rows.js';

export class DatasetMirror {
  readonly data = new Dataset();
  /** The newest change-log seq the copy reflects. */
  seq = 0;

  constructor(
    private readonly listeners: StoreListeners,
    private readonly log: Logger | undefined,
  ) {}

  /** Applies the changes `log` lists, as the client's transaction sees their records. */
  async catchUp(client: ClientBase, log: ChangeLog): Promise<void> {
    const { changes, complete } = log;
    if (!complete) {
      await this.replaceWith(client);
      return;
    }
    const last = changes.at(-1);
    if (last === undefined) return;
    const userNames = new Set<string>();
    const conferenceNames = new Set<string>();
    for (const c of changes) (c.kind === 'user' ? userNames : conferenceNames).add(c.key);
    const records = await readRecords(client, [...userNames], [...conferenceNames]);
    const result = refreshKeys(this.data, {
      users: new Map([...userNames].map((k) => [k, records.users.get(k)])),
      conferences: new Map([...conferenceNames].map((k) => [k, records.conferences.get(k)])),
    });
    this.seq = Math.max(this.seq, last.seq);
    this.reportInvalid(result.invalid);
    this.listeners.emit(result.changes);
  }

  /** Becomes the client's snapshot of everything (after a reconnect, or when the log was pruned). */
  async replaceWith(client: ClientBase): Promise<void> {
    const snapshot = await readSnapshot(client);
    const next = datasetFrom(snapshot.users, snapshot.conferences);
    const changes = replaceAll(this.data, next);
    this.seq = snapshot.seq;
    this.listeners.emit(changes);
  }

  /** Makes sure the copy holds exactly a row just locked (an edit made outside the store wins). */
  adoptRow(kind: RecordKind, key: string, record: unknown): void {
    const cached = kind === 'user' ? this.data.users.get(key) : this.data.conferences.get(key);
    if (sameRecord(record, cached)) return;
    const refresh = new Map([[key, record]]);
    const result = refreshKeys(this.data, {
      users: kind === 'user' ? refresh : new Map(),
      conferences: kind === 'conference' ? refresh : new Map(),
    });
    this.reportInvalid(result.invalid);
    this.listeners.emit(result.changes);
  }

  /** This daemon's own commit, which got change-log seq `seq`. */
  committed(plan: Plan<unknown>, seq: number): void {
    this.data.apply(plan.ops);
    this.seq = Math.max(this.seq, seq);
    this.listeners.emit(plan.changes);
  }

  private reportInvalid(invalid: readonly string[]): void {
    if (invalid.length > 0)
      this.log?.error({ records: invalid.slice(0, 10) }, 'invalid records in PostgreSQL were not loaded');
  }
}
