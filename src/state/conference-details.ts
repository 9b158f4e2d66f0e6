// The sipX `conference` details document of /my/conferencedetails/{confName}: the stored conference's
// extension and description, the live lock state, and one `member` per live member: exactly sipX's
// fields by default (domain/sipx-elements.ts), plus talking / moderator / joinTime when extended (and in the
// event stream's member view). Pure: the route resolves members to store users first.
import type { Conference } from '../domain/conferences.js';
import type { LiveConference, Member } from './conferences.js';

/** The store user a live member belongs to, as far as the details show it. */
export interface MemberIdentity {
  userName: string;
  imId: string | undefined;
}

/** sipX's `member` (UserConferenceDetailsResource.Member), in its order. */
export interface MemberDetails {
  id: number;
  name: string;
  imId: string;
  uuid: string;
  volumeIn: number;
  volumeOut: number;
  energyLevel: number;
  canHear: boolean;
  canSpeak: boolean;
}

/** A member with the daemon's extras, after sipX's fields. */
export interface ExtendedMemberDetails extends MemberDetails {
  talking: boolean;
  moderator: boolean;
  /** Epoch ms. */
  joinTime: number;
}

export interface ConferenceDetails<M extends MemberDetails = MemberDetails> {
  extension: string;
  description: string;
  locked: boolean;
  members: M[];
}

/**
 * A member's `name`: the store user's name when the member is one of ours; else the user FreeSWITCH's
 * channel names (a SIP user the store does not know), else its caller ID number, else its caller ID name.
 */
export function memberName(member: Member, identity: MemberIdentity | undefined): string {
  if (identity !== undefined) return identity.userName;
  if (member.user !== undefined) return member.user;
  return member.callerIdNumber !== '' ? member.callerIdNumber : member.callerIdName;
}

/** sipX's member fields only, in sipX's order. */
export function sipxMemberDetails(member: Member, identity: MemberIdentity | undefined): MemberDetails {
  return {
    id: member.id,
    name: memberName(member, identity),
    imId: identity?.imId ?? '',
    uuid: member.uuid,
    volumeIn: member.volumeIn,
    volumeOut: member.volumeOut,
    energyLevel: member.energyLevel,
    canHear: member.canHear,
    canSpeak: member.canSpeak,
  };
}

/** sipX's member fields, then talking / moderator / joinTime (built whole: the event stream's hot path). */
export function memberDetails(member: Member, identity: MemberIdentity | undefined): ExtendedMemberDetails {
  return {
    id: member.id,
    name: memberName(member, identity),
    imId: identity?.imId ?? '',
    uuid: member.uuid,
    volumeIn: member.volumeIn,
    volumeOut: member.volumeOut,
    energyLevel: member.energyLevel,
    canHear: member.canHear,
    canSpeak: member.canSpeak,
    talking: member.talking,
    moderator: member.moderator,
    joinTime: member.joinedAt,
  };
}

/** Members in join order (the live state keeps them so); sipX's member fields only unless extended. */
export function conferenceDetails(
  stored: Pick<Conference, 'extension' | 'description'>,
  live: Pick<LiveConference, 'locked' | 'members'>,
  identify: (member: Member) => MemberIdentity | undefined,
  options: { extended: true },
): ConferenceDetails<ExtendedMemberDetails>;
export function conferenceDetails(
  stored: Pick<Conference, 'extension' | 'description'>,
  live: Pick<LiveConference, 'locked' | 'members'>,
  identify: (member: Member) => MemberIdentity | undefined,
  options?: { extended?: boolean },
): ConferenceDetails<MemberDetails>;
export function conferenceDetails(
  stored: Pick<Conference, 'extension' | 'description'>,
  live: Pick<LiveConference, 'locked' | 'members'>,
  identify: (member: Member) => MemberIdentity | undefined,
  options: { extended?: boolean } = {},
): ConferenceDetails {
  const view = options.extended === true ? memberDetails : sipxMemberDetails;
  return {
    extension: stored.extension,
    description: stored.description,
    locked: live.locked,
    members: [...live.members.values()].map((m) => view(m, identify(m))),
  };
}
