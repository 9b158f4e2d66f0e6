// Who may do what with a conference. sipX let any logged-in user read any conference's settings (PINs
// included); here only the owner, a delegate or an admin may read or control one.
import type { Conference } from './conferences.js';
import type { User } from './users.js';

type Principal = Pick<User, 'userName' | 'role'>;

export function isAdmin(user: Principal): boolean {
  return user.role === 'admin';
}

export function isOwner(user: Principal, conf: Pick<Conference, 'owner'>): boolean {
  return conf.owner === user.userName;
}

export function isDelegate(user: Principal, conf: Pick<Conference, 'delegates'>): boolean {
  return conf.delegates.includes(user.userName);
}

/** Read the settings, see live details, run commands: owner, delegate or admin. */
export function canControlConference(
  user: Principal,
  conf: Pick<Conference, 'owner' | 'delegates'>,
): boolean {
  return isAdmin(user) || isOwner(user, conf) || isDelegate(user, conf);
}

/** Change who the delegates are: owner or admin (a delegate cannot appoint others). */
export function canManageDelegates(user: Principal, conf: Pick<Conference, 'owner'>): boolean {
  return isAdmin(user) || isOwner(user, conf);
}

/** Delete a conference's recordings: owner or admin (a delegate may list and download them). */
export function canDeleteRecordings(user: Principal, conf: Pick<Conference, 'owner'>): boolean {
  return isAdmin(user) || isOwner(user, conf);
}
