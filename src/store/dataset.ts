// The in-memory data set behind the embedded store: users and conferences in indexed Maps, and the
// rules that keep them consistent (unique names, extensions and IM ids; owners and delegates exist).
// Pure: no I/O. A change is first *planned* (validated against the current state, nothing touched),
// then *applied* (returning an undo), so the file store can persist before readers see anything.
import { conferenceProblem, type Conference } from '../domain/conferences.js';
import type { User } from '../domain/users.js';
import { checkedConference, checkedUser, type StoreFile } from './records.js';
import { ConflictError, InvalidRecordError, NotFoundError, type StoreChange } from './store.js';

export type Op =
  | { kind: 'putUser'; user: User }
  | { kind: 'dropUser'; userName: string }
  | { kind: 'putConference'; conference: Conference }
  | { kind: 'dropConference'; name: string };

export interface Plan<T> {
  ops: Op[];
  result: T;
  changes: StoreChange[];
}

function addToIndex(index: Map<string, Set<string>>, key: string, value: string): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(value);
}

function removeFromIndex(index: Map<string, Set<string>>, key: string, value: string): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}

export class Dataset {
  readonly users = new Map<string, User>();
  readonly usersByImId = new Map<string, User>();
  readonly conferences = new Map<string, Conference>();
  readonly conferencesByExtension = new Map<string, Conference>();
  readonly conferencesByOwner = new Map<string, Set<string>>();
  readonly conferencesByDelegate = new Map<string, Set<string>>();

  /** Builds a data set from a (schema-valid) file, enforcing every cross-record rule. */
  static fromFile(file: StoreFile): Dataset {
    const data = new Dataset();
    const load = (where: string, plan: () => Plan<unknown>): void => {
      try {
        data.apply(plan().ops);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        throw new InvalidRecordError(where, `${where}: ${message}`);
      }
    };
    file.users.forEach((u, i) => load(`users[${i}]`, () => data.planCreateUser(u as User)));
    file.conferences.forEach((c, i) =>
      load(`conferences[${i}]`, () => data.planCreateConference(c as Conference)),
    );
    return data;
  }

  toFile(): { users: readonly User[]; conferences: readonly Conference[] } {
    return { users: [...this.users.values()], conferences: [...this.conferences.values()] };
  }

  conferenceNames(index: Map<string, Set<string>>, userName: string): Conference[] {
    const names = index.get(userName);
    if (!names) return [];
    const out: Conference[] = [];
    for (const name of names) {
      const conf = this.conferences.get(name);
      if (conf) out.push(conf);
    }
    return out;
  }

  // ---- planning: validate against the current state, change nothing ----

  private validUser(user: User): User {
    const checked = checkedUser(user);
    if (!checked.ok) throw new InvalidRecordError(checked.path, `${checked.path}: ${checked.message}`);
    return checked.user;
  }

  private validConference(conf: Conference): Conference {
    const checked = checkedConference(conf);
    if (!checked.ok) throw new InvalidRecordError(checked.path, `${checked.path}: ${checked.message}`);
    const problem = conferenceProblem(checked.conference);
    if (problem) throw new InvalidRecordError(problem.field, `${problem.field}: ${problem.message}`);
    if (!this.users.has(checked.conference.owner))
      throw new InvalidRecordError('owner', 'owner: unknown user');
    for (const d of checked.conference.delegates) {
      if (!this.users.has(d)) throw new InvalidRecordError('delegates', 'delegates: unknown user');
    }
    return checked.conference;
  }

  /** A login name must resolve to one user: userNames and IM ids share one namespace. */
  private checkUserNames(user: User, self: string | undefined): void {
    const byName = this.usersByImId.get(user.userName);
    if (byName && byName.userName !== self)
      throw new ConflictError('userName', 'userName is another user’s IM id');
    if (this.conferencesByExtension.has(user.userName))
      throw new ConflictError('userName', 'userName is a conference extension');
    if (user.imId === undefined) return;
    const other = this.usersByImId.get(user.imId);
    if (other && other.userName !== self) throw new ConflictError('imId', 'imId already in use');
    const named = this.users.get(user.imId);
    if (named && named.userName !== self) throw new ConflictError('imId', 'imId is another user’s userName');
  }

  planCreateUser(input: User): Plan<User> {
    const user = this.validUser(input);
    if (this.users.has(user.userName)) throw new ConflictError('userName', 'userName already exists');
    this.checkUserNames(user, undefined);
    return {
      ops: [{ kind: 'putUser', user }],
      result: user,
      changes: [userChange('created', user.userName, undefined, user)],
    };
  }

  planUpdateUser(userName: string, change: (current: User) => User): Plan<User> {
    const current = this.users.get(userName);
    if (!current) throw new NotFoundError('user', userName);
    const user = this.validUser(change(current));
    if (user.userName !== userName) throw new InvalidRecordError('userName', 'userName cannot change');
    this.checkUserNames(user, userName);
    return {
      ops: [{ kind: 'putUser', user }],
      result: user,
      changes: [userChange('updated', userName, current, user)],
    };
  }

  planDeleteUser(userName: string): Plan<void> {
    const current = this.users.get(userName);
    if (!current) throw new NotFoundError('user', userName);
    if (this.conferencesByOwner.has(userName))
      throw new ConflictError('userName', 'user owns conferences; delete or reassign them first');
    const ops: Op[] = [];
    const changes: StoreChange[] = [];
    for (const conf of this.conferenceNames(this.conferencesByDelegate, userName)) {
      const next = Object.freeze({
        ...conf,
        delegates: Object.freeze(conf.delegates.filter((d) => d !== userName)),
      });
      ops.push({ kind: 'putConference', conference: next });
      changes.push(conferenceChange('updated', conf.name, conf, next));
    }
    ops.push({ kind: 'dropUser', userName });
    changes.push(userChange('deleted', userName, current, undefined));
    return { ops, result: undefined, changes };
  }

  private checkExtension(conf: Conference, self: string | undefined): void {
    const other = this.conferencesByExtension.get(conf.extension);
    if (other && other.name !== self) throw new ConflictError('extension', 'extension already in use');
    if (this.users.has(conf.extension) || this.usersByImId.has(conf.extension))
      throw new ConflictError('extension', 'extension is a user’s name');
  }

  planCreateConference(input: Conference): Plan<Conference> {
    const conf = this.validConference(input);
    if (this.conferences.has(conf.name)) throw new ConflictError('name', 'conference name already exists');
    this.checkExtension(conf, undefined);
    return {
      ops: [{ kind: 'putConference', conference: conf }],
      result: conf,
      changes: [conferenceChange('created', conf.name, undefined, conf)],
    };
  }

  planUpdateConference(name: string, change: (current: Conference) => Conference): Plan<Conference> {
    const current = this.conferences.get(name);
    if (!current) throw new NotFoundError('conference', name);
    const conf = this.validConference(change(current));
    if (conf.name !== name) throw new InvalidRecordError('name', 'name cannot change');
    this.checkExtension(conf, name);
    return {
      ops: [{ kind: 'putConference', conference: conf }],
      result: conf,
      changes: [conferenceChange('updated', name, current, conf)],
    };
  }

  planDeleteConference(name: string): Plan<void> {
    const current = this.conferences.get(name);
    if (!current) throw new NotFoundError('conference', name);
    return {
      ops: [{ kind: 'dropConference', name }],
      result: undefined,
      changes: [conferenceChange('deleted', name, current, undefined)],
    };
  }

  // ---- applying: the only code that touches the Maps ----

  /** Applies planned ops; returns a function that restores the previous state exactly. */
  apply(ops: readonly Op[]): () => void {
    const undo: Array<() => void> = [];
    for (const op of ops) {
      if (op.kind === 'putUser' || op.kind === 'dropUser') {
        const name = op.kind === 'putUser' ? op.user.userName : op.userName;
        const before = this.users.get(name);
        this.setUser(name, op.kind === 'putUser' ? op.user : undefined);
        undo.push(() => this.setUser(name, before));
      } else {
        const name = op.kind === 'putConference' ? op.conference.name : op.name;
        const before = this.conferences.get(name);
        this.setConference(name, op.kind === 'putConference' ? op.conference : undefined);
        undo.push(() => this.setConference(name, before));
      }
    }
    return () => {
      for (let i = undo.length - 1; i >= 0; i--) undo[i]?.();
    };
  }

  private setUser(userName: string, user: User | undefined): void {
    const old = this.users.get(userName);
    if (old?.imId !== undefined) this.usersByImId.delete(old.imId);
    if (user) {
      this.users.set(userName, user);
      if (user.imId !== undefined) this.usersByImId.set(user.imId, user);
    } else {
      this.users.delete(userName);
    }
  }

  private setConference(name: string, conf: Conference | undefined): void {
    const old = this.conferences.get(name);
    if (old) {
      this.conferencesByExtension.delete(old.extension);
      removeFromIndex(this.conferencesByOwner, old.owner, name);
      for (const d of old.delegates) removeFromIndex(this.conferencesByDelegate, d, name);
    }
    if (conf) {
      this.conferences.set(name, conf);
      this.conferencesByExtension.set(conf.extension, conf);
      addToIndex(this.conferencesByOwner, conf.owner, name);
      for (const d of conf.delegates) addToIndex(this.conferencesByDelegate, d, name);
    } else {
      this.conferences.delete(name);
    }
  }
}

function userChange(
  action: 'created' | 'updated' | 'deleted',
  userName: string,
  before?: User,
  after?: User,
): StoreChange {
  return { kind: 'user', action, userName, ...(before ? { before } : {}), ...(after ? { after } : {}) };
}

function conferenceChange(
  action: 'created' | 'updated' | 'deleted',
  name: string,
  before?: Conference,
  after?: Conference,
): StoreChange {
  return { kind: 'conference', action, name, ...(before ? { before } : {}), ...(after ? { after } : {}) };
}
