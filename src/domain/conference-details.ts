// The sipX `conference` details document of /my/conferencedetails/{confName}: the stored conference's
// extension and description, the live lock state, and one `member` per live member (seed 000's fields,
// plus talking / moderator / joinTime). Pure: the route resolves members to store users first.
import type { Conference as LiveConference, Member } from '../state/conferences.js';
import type { Conference } from './conferences.js';

/** The store user a live member belongs to, as far as the details show it. */
export interface MemberIdentity {
  userName: string;
  imId: string | undefined;
}

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
  talking: boolean;
  moderator: boolean;
  /** Epoch ms. */
  joinTime: number;
}

export interface ConferenceDetails {
  extension: string;
  description: string;
  locked: boolean;
  members: MemberDetails[];
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

export function memberDetails(member: Member, identity: MemberIdentity | undefined): MemberDetails {
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

/** Members in join order (the live state keeps them so). */
export function conferenceDetails(
  stored: Pick<Conference, 'extension' | 'description'>,
  live: Pick<LiveConference, 'locked' | 'members'>,
  identify: (member: Member) => MemberIdentity | undefined,
): ConferenceDetails {
  return {
    extension: stored.extension,
    description: stored.description,
    locked: live.locked,
    members: [...live.members.values()].map((m) => memberDetails(m, identify(m))),
  };
}
