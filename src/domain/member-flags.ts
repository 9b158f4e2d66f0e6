// Who joins a conference as what: the member flags mod_conference gets for a host (owner or delegate)
// and for a guest, whichever way they come in (the dialplan, or a leg the conference dials out), and
// the channel variables the daemon puts on the legs it dials. One rule for every path, so a host is a
// moderator and never muted on entry however they arrive.
import type { Conference } from './conferences.js';
import { USER_NAME_RE } from './users.js';

/** The settings the rule reads. */
export type JoinRoles = Pick<Conference, 'owner' | 'delegates' | 'muteOnEntry' | 'endOnOwnerExit'>;

/**
 * Set by the daemon on every leg it originates for a user: who placed it. A SIP caller cannot set an
 * unprefixed channel variable (sofia maps headers to `sip_*`), so the dialplan may trust it like
 * `sip_auth_username`.
 */
export const PLACED_BY_VARIABLE = 'fsconfd_user';

export function hostFlags(conf: JoinRoles, isOwner: boolean): string[] {
  return isOwner && conf.endOnOwnerExit ? ['moderator', 'endconf'] : ['moderator'];
}

export function guestFlags(conf: JoinRoles): string[] {
  return conf.muteOnEntry ? ['mute'] : [];
}

/** The flags of `user` (undefined: not one of the daemon's users) joining `conf`. */
export function memberFlagsFor(conf: JoinRoles, user: string | undefined): string[] {
  if (user !== undefined && user === conf.owner) return hostFlags(conf, true);
  if (user !== undefined && conf.delegates.includes(user)) return hostFlags(conf, false);
  return guestFlags(conf);
}

export interface OutcallContext {
  conference: JoinRoles;
  /** The daemon user who asked for the call. */
  placedBy: string;
}

/**
 * `dialString` with the variables of a leg the conference dials (`conference <name> dial|bgdial`):
 * `outcall_flags` (mod_conference.c conference_outcall: the answered leg runs `conference
 * <name>+flags{<outcall_flags>}`) and who placed it. `user` is the daemon user being dialled, if it is one.
 */
export function outcallDialString(
  outcall: OutcallContext,
  user: string | undefined,
  dialString: string,
): string {
  if (!USER_NAME_RE.test(outcall.placedBy)) throw new Error('placedBy is not a user name');
  const flags = memberFlagsFor(outcall.conference, user);
  const vars = [
    ...(flags.length > 0 ? [`outcall_flags=${flags.join('|')}`] : []),
    `${PLACED_BY_VARIABLE}=${outcall.placedBy}`,
  ];
  return `{${vars.join(',')}}${dialString}`;
}
