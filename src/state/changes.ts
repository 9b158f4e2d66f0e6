// What one event (or one resync) changed in a node's live state: the reducers return these records, the
// change feed carries them with the node's id, and readers (the event stream, waits for a command's
// effect, the moderator unmuter, the recording ledger) look up the named entities in the live state
// instead of parsing the event again. Plain data, one small object per change: the strings are the
// ones the state itself keeps (conference names, member ids, recording paths, uuids), so a record
// pins nothing of the event it came from.

/** A conference started (`created`), ended (`destroyed`), or its own fields changed (lock, floor). */
export interface ConferenceChange {
  readonly kind: 'conference';
  readonly how: 'created' | 'destroyed' | 'updated';
  readonly conference: string;
}

/** A member joined, left, or any of its fields changed (flags, volumes, energy, floor, caller ID). */
export interface MemberChange {
  readonly kind: 'member';
  readonly how: 'joined' | 'left' | 'updated';
  readonly conference: string;
  /** FreeSWITCH Member-ID. */
  readonly member: number;
}

/** A recording of a conference started, stopped, paused or resumed; `path` as FreeSWITCH reported it. */
export interface RecordingChange {
  readonly kind: 'recording';
  readonly how: 'started' | 'stopped' | 'paused' | 'resumed';
  readonly conference: string;
  readonly path: string;
}

/**
 * A channel (leg) appeared, changed or went away. `calls`: the ids of every call the change touched,
 * before and after it (a bridge merges two calls into one; a leg leaving may end its call).
 */
export interface ChannelChange {
  readonly kind: 'channel';
  readonly how: 'created' | 'updated' | 'ended';
  readonly channel: string;
  readonly calls: readonly string[];
}

/**
 * The whole node changed: `synced` after a resync swapped in a fresh state (re-read the node),
 * `unavailable` when it lost its connection (its data may be stale until the next `synced`).
 */
export interface NodeChange {
  readonly kind: 'node';
  readonly how: 'synced' | 'unavailable';
}

export type StateChange = ConferenceChange | MemberChange | RecordingChange | ChannelChange | NodeChange;

/** What a reducer returns when an event changed nothing (shared: no allocation on that path). */
export const NO_CHANGES: readonly StateChange[] = Object.freeze([]);

export const NODE_SYNCED: readonly StateChange[] = Object.freeze([
  Object.freeze({ kind: 'node', how: 'synced' } as const),
]);
export const NODE_UNAVAILABLE: readonly StateChange[] = Object.freeze([
  Object.freeze({ kind: 'node', how: 'unavailable' } as const),
]);
