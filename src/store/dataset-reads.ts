// The read half of a store whose records live in memory in a Dataset: both the embedded file store
// and the PostgreSQL store answer every read from here, so hot paths never wait on I/O. A store that
// can lose touch with its source overrides `readable()` to refuse reads it can no longer vouch for.
import type { Conference } from '../domain/conferences.js';
import type { User } from '../domain/users.js';
import type { Dataset } from './dataset.js';

export abstract class DatasetReads {
  /** The data set to read, or a throw when reads are refused (StoreUnavailableError). */
  protected abstract readable(): Dataset;

  async listUsers(): Promise<readonly User[]> {
    return [...this.readable().users.values()];
  }
  async getUser(userName: string): Promise<User | undefined> {
    return this.readable().users.get(userName);
  }
  async findUserByImId(imId: string): Promise<User | undefined> {
    return this.readable().usersByImId.get(imId);
  }
  async findUserByLogin(login: string): Promise<User | undefined> {
    const data = this.readable();
    return data.users.get(login) ?? data.usersByImId.get(login);
  }
  async hasAdmin(): Promise<boolean> {
    for (const u of this.readable().users.values()) if (u.role === 'admin') return true;
    return false;
  }
  async listConferences(): Promise<readonly Conference[]> {
    return [...this.readable().conferences.values()];
  }
  async getConference(name: string): Promise<Conference | undefined> {
    return this.readable().conferences.get(name);
  }
  async findConferenceByExtension(extension: string): Promise<Conference | undefined> {
    return this.readable().conferencesByExtension.get(extension);
  }
  async conferencesOwnedBy(userName: string): Promise<readonly Conference[]> {
    const data = this.readable();
    return data.conferenceNames(data.conferencesByOwner, userName);
  }
  async conferencesDelegatedTo(userName: string): Promise<readonly Conference[]> {
    const data = this.readable();
    return data.conferenceNames(data.conferencesByDelegate, userName);
  }
}
