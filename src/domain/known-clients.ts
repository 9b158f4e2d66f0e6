// Where each user logged in from successfully: the most recent few addresses per user. The login
// throttle exempts these from the per-address and per-account limits, so neither an attacker sharing
// the user's address nor one spread over many addresses can lock the user out of the place they use.
// One process keeps its own (MemoryLoginThrottle); daemons sharing PostgreSQL keep a copy of the
// shared table, changed by notifications (store/pg-logins.ts).
import { BoundedMap } from './bounded-map.js';

/** Addresses remembered per user; a new one pushes out the least recent. */
export const KNOWN_CLIENTS_PER_USER = 8;

/** What the throttle asks of the table (MemoryLoginThrottle takes any implementation). */
export interface KnownClients {
  isKnown(userName: string, client: string): boolean;
  /** A successful login of `userName` from `client`. */
  remember(userName: string, client: string): void;
}

export class RecentClients implements KnownClients {
  /** userName → its addresses, most recent first. */
  private readonly byUser: BoundedMap<string[]>;

  /** `maxUsers`: users remembered at once (least recently successful dropped first). */
  constructor(
    maxUsers: number,
    private readonly perUser = KNOWN_CLIENTS_PER_USER,
  ) {
    this.byUser = new BoundedMap(maxUsers);
  }

  isKnown(userName: string, client: string): boolean {
    return this.byUser.get(userName)?.includes(client) ?? false;
  }

  remember(userName: string, client: string): void {
    const list = this.byUser.get(userName) ?? [];
    if (list[0] === client) return this.byUser.touch(userName, list);
    const next = [client, ...list.filter((c) => c !== client)].slice(0, this.perUser);
    this.byUser.touch(userName, next);
  }

  forget(userName: string, client: string): void {
    const list = this.byUser.get(userName);
    const at = list?.indexOf(client) ?? -1;
    if (list === undefined || at < 0) return;
    if (list.length === 1) this.byUser.delete(userName);
    else list.splice(at, 1); // in place: forgetting one address is no success of the user's
  }

  forgetUser(userName: string): void {
    this.byUser.delete(userName);
  }

  clear(): void {
    this.byUser.clear();
  }

  /** Users with at least one address (for tests and metrics). */
  get users(): number {
    return this.byUser.size;
  }
}
