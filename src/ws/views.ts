// What the stream shows of live state: the same fields as the REST resources (conference details,
// active CDRs, admin active calls), built from the tracked state. Pure.
import { memberDetails, type MemberIdentity } from '../state/conference-details.js';
import { activeCdr, callerOf } from '../state/active-cdr.js';
import { callProgress } from '../state/call-progress.js';
import type { Call } from '../state/calls.js';
import type { LiveConference, Member } from '../state/conferences.js';
import { legView } from '../state/leg-view.js';
import type { AdminCallView, ConferenceView, MemberView, UserCallView } from './protocol.js';

/** What the store says about a conference: who may see it, and the details' stored fields. */
export interface ConferenceAccess {
  name: string;
  owner: string;
  delegates: readonly string[];
  extension: string;
  description: string;
}

/** The store as the stream needs it, answered from memory (the event path never waits on I/O). */
export interface Directory {
  conference(name: string): ConferenceAccess | undefined;
  /** The store user a live member belongs to (by the user FreeSWITCH's channel names). */
  identity(userName: string): MemberIdentity | undefined;
}

export function memberView(member: Member, directory: Directory): MemberView {
  return memberDetails(member, member.user === undefined ? undefined : directory.identity(member.user));
}

export function floorHolder(conference: LiveConference): number | null {
  for (const member of conference.members.values()) if (member.floor) return member.id;
  return null;
}

export function conferenceView(
  node: string,
  conference: LiveConference,
  access: ConferenceAccess,
  directory: Directory,
): ConferenceView {
  return {
    name: conference.name,
    node,
    extension: access.extension,
    description: access.description,
    locked: conference.locked,
    recording: conference.recordings.length > 0,
    floor: floorHolder(conference),
    members: [...conference.members.values()].map((m) => memberView(m, directory)),
  };
}

export function sameMember(a: MemberView, b: MemberView): boolean {
  return (
    a.canSpeak === b.canSpeak &&
    a.canHear === b.canHear &&
    a.talking === b.talking &&
    a.moderator === b.moderator &&
    a.volumeIn === b.volumeIn &&
    a.volumeOut === b.volumeOut &&
    a.energyLevel === b.energyLevel &&
    a.name === b.name &&
    a.imId === b.imId &&
    a.uuid === b.uuid &&
    a.joinTime === b.joinTime
  );
}

/** The call as an admin sees it; user views are derived from it (see userCallView). */
export function adminCallView(node: string, call: Call): AdminCallView {
  // Seen from the caller: from/to/recipient/internal do not depend on whose view it is.
  const cdr = activeCdr(call, '', { domain: '', now: 0 });
  const origin = call.legs.find((leg) => leg.uuid === call.id) ?? call.legs[0];
  return {
    uuid: call.id,
    node,
    state: callProgress(call),
    from: cdr.from,
    to: cdr.to,
    direction: origin?.direction === 'inbound' ? 'INCOMING' : 'OUTGOING',
    recipient: cdr.recipient,
    internal: cdr.internal,
    'start-time': cdr['start-time'],
    legs: call.legs.map(legView),
  };
}

/** The user who placed the call (activeCdr's OUTGOING side), if a user did. */
export function originUser(call: Call): string | undefined {
  return callerOf(call);
}

/** /my/activecdrs' view for `user`: OUTGOING when they started the call, no legs of other parties. */
export function userCallView(admin: AdminCallView, origin: string | undefined, user: string): UserCallView {
  return {
    uuid: admin.uuid,
    node: admin.node,
    state: admin.state,
    from: admin.from,
    to: admin.to,
    direction: origin === user ? 'OUTGOING' : 'INCOMING',
    recipient: admin.recipient,
    internal: admin.internal,
    'start-time': admin['start-time'],
  };
}
