// Which user a FreeSWITCH channel belongs to. One rule for events and snapshots, derived from what
// the recorded transcripts carry (../shared/fs-transcripts, FreeSWITCH 1.11.2):
//
//  1. `variable_user_name`: the directory user that authenticated the channel (channel events only).
//  2. `variable_dialed_user` on an OUTBOUND channel: the `user/<name>` dial target. (FreeSWITCH also
//     copies it onto the inbound A-leg that bridged to the user, so it is ignored on inbound legs.)
//  3. `Channel-Presence-ID` (`presence_id` in `show channels`), user part: set by `user/<name>` dials
//     and for SIP callers; the loopback legs and plain `sofia/...` dials carry none.
//  4. `Caller-Username` on an INBOUND sofia channel: the SIP From user. (Outbound legs and loopback
//     legs inherit the A-leg's value, so it is ignored there.)
//  5. The user part of a sofia channel name, `sofia/<profile>/<user>@<host>`: the SIP user a direct
//     `sofia/...` dial rings, or the From user of an inbound SIP call.
// 1-3 are directory evidence (the user is known to FreeSWITCH's directory); 4-5 are only SIP users.
// Conference members additionally fall back to their caller ID number (see memberUser) because
// `conference xml_list` carries nothing else; placeholder numbers FreeSWITCH invents never count.

import { cleanText } from './event-fields.js';

export interface ChannelFacts {
  direction: string | undefined;
  channelName: string | undefined;
  presenceId: string | undefined;
  userName?: string | undefined;
  dialedUser?: string | undefined;
  callerUsername?: string | undefined;
}

export interface ChannelUser {
  user: string;
  /** True when the user comes from FreeSWITCH's directory rather than a bare SIP user part. */
  directory: boolean;
}

const MAX_USER_LENGTH = 64;

/** Caller ID numbers FreeSWITCH fills in when it has none (loopback A-legs, bare originate). */
const PLACEHOLDER_NUMBERS = new Set(['', 'default', '0000000000', 'unknown', 'anonymous']);

export function channelUser(facts: ChannelFacts): ChannelUser | undefined {
  const named = userPart(facts.userName);
  if (named) return { user: named, directory: true };
  if (facts.direction === 'outbound') {
    const dialed = userPart(facts.dialedUser);
    if (dialed) return { user: dialed, directory: true };
  }
  const presence = userPart(facts.presenceId);
  if (presence) return { user: presence, directory: true };
  const sofia = sofiaUser(facts.channelName);
  if (facts.direction === 'inbound' && sofia !== undefined) {
    const from = userPart(facts.callerUsername);
    if (from) return { user: from, directory: false };
  }
  return sofia ? { user: sofia, directory: false } : undefined;
}

/** A conference member's user: the channel's user, else its caller ID number unless a placeholder. */
export function memberUser(facts: ChannelFacts, callerIdNumber: string | undefined): string | undefined {
  const fromChannel = channelUser(facts);
  if (fromChannel) return fromChannel.user;
  if (callerIdNumber === undefined || isPlaceholderNumber(callerIdNumber)) return undefined;
  return userPart(callerIdNumber);
}

export function isPlaceholderNumber(value: string): boolean {
  return PLACEHOLDER_NUMBERS.has(value.toLowerCase());
}

/** `sofia/internal/1000@127.0.0.1:5070` → `1000`; undefined for other endpoints. */
function sofiaUser(channelName: string | undefined): string | undefined {
  if (channelName === undefined || !channelName.startsWith('sofia/')) return undefined;
  const slash = channelName.indexOf('/', 6);
  if (slash === -1) return undefined; // no profile segment
  return userPart(channelName.slice(slash + 1));
}

/** The part before `@`, with a `sip:` prefix removed; bounded, no separators or spaces. */
function userPart(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let user = value;
  const at = user.indexOf('@');
  if (at !== -1) user = user.slice(0, at);
  if (user.startsWith('sip:')) user = user.slice(4);
  if (user === '' || user.length > MAX_USER_LENGTH || /[\s/;,<>"]/.test(user)) return undefined;
  return cleanText(user, MAX_USER_LENGTH);
}
