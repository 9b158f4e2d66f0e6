// The store's users and conferences as the stream needs them, held in memory and kept current through
// the store's change notifications, so filtering a message never waits on the store.
import type { MemberIdentity } from '../state/conference-details.js';
import type { Conference } from '../domain/conferences.js';
import type { User } from '../domain/users.js';
import type { Store, StoreChange } from '../store/store.js';
import type { ConferenceAccess, Directory } from './views.js';

export interface DirectoryListener {
  /** A stored conference was created, changed or deleted; `before` is its access until now. */
  conferenceChanged(name: string, before: ConferenceAccess | undefined): void;
  /** A user was deleted, or their password or role changed: their open streams must end. */
  credentialsChanged(userName: string): void;
}

function accessOf(conf: Conference): ConferenceAccess {
  return {
    name: conf.name,
    owner: conf.owner,
    delegates: [...conf.delegates],
    extension: conf.extension,
    description: conf.description,
  };
}

export class StoreDirectory implements Directory {
  private readonly conferences = new Map<string, ConferenceAccess>();
  private readonly identities = new Map<string, MemberIdentity>();
  private listener: DirectoryListener | undefined;
  private unsubscribe: (() => void) | undefined;

  /** Subscribes first, then reads everything, so no change between the two is lost. */
  static async load(store: Store): Promise<StoreDirectory> {
    const directory = new StoreDirectory();
    directory.unsubscribe = store.subscribe((change) => directory.onStoreChange(change));
    for (const user of await store.listUsers()) directory.setUser(user);
    for (const conf of await store.listConferences()) directory.conferences.set(conf.name, accessOf(conf));
    return directory;
  }

  listen(listener: DirectoryListener): void {
    this.listener = listener;
  }

  close(): void {
    this.unsubscribe?.();
  }

  conference(name: string): ConferenceAccess | undefined {
    return this.conferences.get(name);
  }

  identity(userName: string): MemberIdentity | undefined {
    return this.identities.get(userName);
  }

  private setUser(user: User): void {
    this.identities.set(user.userName, { userName: user.userName, imId: user.imId });
  }

  private onStoreChange(change: StoreChange): void {
    if (change.kind === 'user') {
      const { before, after } = change;
      if (after === undefined) this.identities.delete(change.userName);
      else this.setUser(after);
      const credentialsChanged =
        before !== undefined &&
        (after === undefined || after.passwordHash !== before.passwordHash || after.role !== before.role);
      if (credentialsChanged) this.listener?.credentialsChanged(change.userName);
      return;
    }
    const before = this.conferences.get(change.name);
    if (change.after === undefined) this.conferences.delete(change.name);
    else this.conferences.set(change.name, accessOf(change.after));
    this.listener?.conferenceChanged(change.name, before);
  }
}
