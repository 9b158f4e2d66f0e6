// The persistence contract for users and conferences. The embedded JsonFileStore (one daemon) and the
// PostgresStore (several daemons sharing one data set) implement it; both serve reads from memory.
// Every method is async because a shared store can refuse a read it can no longer vouch for.
import type { Conference } from '../domain/conferences.js';
import type { User } from '../domain/users.js';

export interface Store {
  listUsers(): Promise<readonly User[]>;
  getUser(userName: string): Promise<User | undefined>;
  findUserByImId(imId: string): Promise<User | undefined>;
  /** The user whose userName, or else whose IM id, is `login` (how sipX let users log in). */
  findUserByLogin(login: string): Promise<User | undefined>;
  hasAdmin(): Promise<boolean>;
  /** Throws ConflictError on a taken userName/imId. */
  createUser(user: User): Promise<User>;
  /**
   * Replaces a user by `change(current)`, run under the store's write lock so concurrent updates never
   * lose each other's changes. `change` must be synchronous and must not change `userName`.
   */
  updateUser(userName: string, change: (current: User) => User): Promise<User>;
  /** Also removes the user from every conference's delegates; refused (ConflictError) while they own one. */
  deleteUser(userName: string): Promise<void>;

  listConferences(): Promise<readonly Conference[]>;
  getConference(name: string): Promise<Conference | undefined>;
  findConferenceByExtension(extension: string): Promise<Conference | undefined>;
  conferencesOwnedBy(userName: string): Promise<readonly Conference[]>;
  conferencesDelegatedTo(userName: string): Promise<readonly Conference[]>;
  /** Throws ConflictError (name, extension), InvalidReferenceError (unknown owner or delegate). */
  createConference(conf: Conference): Promise<Conference>;
  /** As updateUser; `change` must not change `name`. */
  updateConference(name: string, change: (current: Conference) => Conference): Promise<Conference>;
  deleteConference(name: string): Promise<void>;

  /**
   * Called after each committed change (for caches, live settings, the event stream), whether this
   * daemon made it or, with a shared store, another one did (then the change says `remote: true`).
   */
  subscribe(listener: StoreListener): () => void;
  /** Whether the store can be written and how fresh its reads are (for /health). */
  health(): StoreHealth;
  /** Waits for pending writes; later changes are refused. */
  close(): Promise<void>;
}

/**
 * `ok`: reads are current and writes go through. `degraded` (since `since`): the shared store cannot
 * be reached; reads come from the last known state until `readsUntil`, writes are refused.
 * `unavailable`: past that bound, reads are refused too.
 */
export interface StoreHealth {
  engine: 'file' | 'postgresql';
  status: 'ok' | 'degraded' | 'unavailable';
  since: string | null;
  readsUntil?: string;
}

/** `remote`: another daemon made the change (seen through the shared store), not this one. */
export type StoreChange = (
  | { kind: 'user'; action: 'created' | 'updated' | 'deleted'; userName: string; before?: User; after?: User }
  | {
      kind: 'conference';
      action: 'created' | 'updated' | 'deleted';
      name: string;
      before?: Conference;
      after?: Conference;
    }
) & { remote?: true };

export type StoreListener = (change: StoreChange) => void;

/** Base class: every error a store throws on purpose. */
export class StoreError extends Error {}

/** A unique field is taken (HTTP 409). */
export class ConflictError extends StoreError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** The record to change does not exist (HTTP 404). */
export class NotFoundError extends StoreError {
  constructor(
    readonly kind: 'user' | 'conference',
    readonly key: string,
  ) {
    super(`unknown ${kind}`);
    this.name = 'NotFoundError';
  }
}

/** A record is malformed or names a user that does not exist (HTTP 400, naming the field). */
export class InvalidRecordError extends StoreError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidRecordError';
  }
}

/** The data file could not be read or is not valid; the daemon must not start (and must not overwrite it). */
export class StoreOpenError extends StoreError {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`store ${path}: ${reason}`);
    this.name = 'StoreOpenError';
  }
}

/** Persisting a change failed; the change was not applied. */
export class StoreWriteError extends StoreError {
  constructor(path: string, reason: string) {
    super(`store ${path}: write failed: ${reason}`);
    this.name = 'StoreWriteError';
  }
}

/**
 * The shared store cannot be reached, or reads have been stale too long (HTTP 503). A refused write
 * changed nothing; one whose COMMIT was cut off may have landed, which the change feed shows once back.
 */
export class StoreUnavailableError extends StoreError {
  constructor(reason: string) {
    super(`store unavailable: ${reason}`);
    this.name = 'StoreUnavailableError';
  }
}
