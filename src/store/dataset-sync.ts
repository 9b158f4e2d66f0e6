// Bringing an in-memory Dataset to what a shared store holds, and saying what changed: records of
// some keys (after another daemon's commit) or a whole snapshot (after a reconnect). Each difference
// becomes the same StoreChange a local write would have produced, marked `remote`, so every
// subscriber (auth, event streams, directories) reacts to another daemon's change exactly as to its
// own. Pure: no I/O.
import type { Conference } from '../domain/conferences.js';
import type { User } from '../domain/users.js';
import { Dataset, type Op, type Plan } from './dataset.js';
import { checkedConference, checkedUser, STORE_FORMAT, STORE_VERSION, type StoreFile } from './records.js';
import { StoreError, type StoreChange } from './store.js';

export interface KeyRefresh {
  /** Affected user names, each with its current raw record or undefined (deleted). */
  users: ReadonlyMap<string, unknown>;
  conferences: ReadonlyMap<string, unknown>;
}

export interface SyncResult {
  changes: StoreChange[];
  /** Keys whose stored record failed validation; the cached version was kept. */
  invalid: string[];
}

/** Builds a data set from raw records, enforcing every rule the embedded store enforces. */
export function datasetFrom(users: readonly unknown[], conferences: readonly unknown[]): Dataset {
  return Dataset.fromFile({
    format: STORE_FORMAT,
    version: STORE_VERSION,
    users: users as StoreFile['users'],
    conferences: conferences as StoreFile['conferences'],
  });
}

/** Applies the current records of the affected keys to `data`; returns the changes, in key order. */
export function refreshKeys(data: Dataset, refresh: KeyRefresh): SyncResult {
  const invalid: string[] = [];
  const userAfter = new Map<string, User | undefined>();
  for (const [name, raw] of refresh.users) {
    if (raw === undefined) userAfter.set(name, undefined);
    else {
      const checked = checkedUser(raw as User);
      if (checked.ok && checked.user.userName === name) userAfter.set(name, checked.user);
      else invalid.push(`user ${name}`);
    }
  }
  const confAfter = new Map<string, Conference | undefined>();
  for (const [name, raw] of refresh.conferences) {
    if (raw === undefined) confAfter.set(name, undefined);
    else {
      const checked = checkedConference(raw as Conference);
      if (checked.ok && checked.conference.name === name) confAfter.set(name, checked.conference);
      else invalid.push(`conference ${name}`);
    }
  }
  return { changes: replace(data, userAfter, confAfter), invalid };
}

/** Everything in `next`, created in an empty data set (copying a whole store); refused otherwise. */
export function importPlan(current: Dataset, next: Dataset): Plan<void> {
  if (current.users.size > 0 || current.conferences.size > 0)
    throw new StoreError('the database already holds users or conferences; nothing was copied');
  const users = [...next.users.values()];
  const conferences = [...next.conferences.values()];
  return {
    ops: [
      ...users.map((user): Op => ({ kind: 'putUser', user })),
      ...conferences.map((conference): Op => ({ kind: 'putConference', conference })),
    ],
    result: undefined,
    changes: [
      ...users.map((u): StoreChange => ({ kind: 'user', action: 'created', userName: u.userName, after: u })),
      ...conferences.map((c): StoreChange => ({
        kind: 'conference',
        action: 'created',
        name: c.name,
        after: c,
      })),
    ],
  };
}

/** Makes `data` equal to `next`; returns what differed. */
export function replaceAll(data: Dataset, next: Dataset): StoreChange[] {
  const userAfter = new Map<string, User | undefined>();
  for (const name of data.users.keys()) userAfter.set(name, undefined);
  for (const [name, user] of next.users) userAfter.set(name, user);
  const confAfter = new Map<string, Conference | undefined>();
  for (const name of data.conferences.keys()) confAfter.set(name, undefined);
  for (const [name, conf] of next.conferences) confAfter.set(name, conf);
  return replace(data, userAfter, confAfter);
}

function replace(
  data: Dataset,
  userAfter: ReadonlyMap<string, User | undefined>,
  confAfter: ReadonlyMap<string, Conference | undefined>,
): StoreChange[] {
  const userChanges: StoreChange[] = [];
  const confChanges: StoreChange[] = [];
  const drops: Op[] = [];
  const puts: Op[] = [];
  for (const [userName, after] of userAfter) {
    const before = data.users.get(userName);
    if (sameRecord(before, after)) continue;
    drops.push({ kind: 'dropUser', userName });
    if (after) puts.push({ kind: 'putUser', user: after });
    userChanges.push({ kind: 'user', action: action(before, after), userName, ...defined(before, after) });
  }
  for (const [name, after] of confAfter) {
    const before = data.conferences.get(name);
    if (sameRecord(before, after)) continue;
    drops.push({ kind: 'dropConference', name });
    if (after) puts.push({ kind: 'putConference', conference: after });
    confChanges.push({ kind: 'conference', action: action(before, after), name, ...defined(before, after) });
  }
  // Everything affected leaves first, so an IM id or extension moving between two records never
  // finds the index still holding the other one.
  data.apply([...drops, ...puts]);
  // Users appear before the conferences naming them, and conferences go before their owners.
  const ordered = [
    ...userChanges.filter((c) => c.action !== 'deleted'),
    ...confChanges,
    ...userChanges.filter((c) => c.action === 'deleted'),
  ];
  return ordered.map((c) => ({ ...c, remote: true }));
}

function action(before: unknown, after: unknown): 'created' | 'updated' | 'deleted' {
  if (before === undefined) return 'created';
  return after === undefined ? 'deleted' : 'updated';
}

function defined<T>(before: T | undefined, after: T | undefined): { before?: T; after?: T } {
  return { ...(before ? { before } : {}), ...(after ? { after } : {}) };
}

/** Equal content whatever the key order (jsonb reorders keys). */
export function sameRecord(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : 1)))
      : v,
  );
}
