// Live conferences of one FreeSWITCH node, kept current by `CUSTOM conference::maintenance` events.
// The reducer mutates the state it is given (O(1) per event at any size) and never throws: a missing
// or garbled header leaves the state unchanged or updates only what the event states for sure.
// Every member event carries the member's own flags (Hear, Speak, Talking, Floor, Member-Type,
// Energy-Level, ...); those win over inference from the Action, so replaying events on top of a
// snapshot taken part-way through them converges on FreeSWITCH's state (see node-state.ts).

import type { EslEvent } from '../esl/events.js';
import { memberUser } from './channel-user.js';
import type { ChannelFacts } from './channel-user.js';
import type { Headers } from './event-fields.js';
import { eventTime, flag, id, int, keep, keepOptional, detach, text } from './event-fields.js';
import { ENERGY_RANGE, applyMemberAction } from './conference-actions.js';
import { NO_CHANGES } from './changes.js';
import type { ConferenceChange, MemberChange, RecordingChange, StateChange } from './changes.js';
import type { Member } from './member.js';

export type { Member } from './member.js';

export const CONFERENCE_SUBCLASS = 'conference::maintenance';

export interface Recording {
  path: string;
  /** Epoch ms. */
  startedAt: number;
  paused: boolean;
}

/** A conference as FreeSWITCH runs it now (its stored settings: domain/conferences.ts, Conference). */
export interface LiveConference {
  name: string;
  /** Conference-Unique-ID: distinguishes two lives of the same conference name. */
  uuid: string;
  locked: boolean;
  /** Recordings running now; FreeSWITCH allows several at once. */
  recordings: Recording[];
  /** By Member-ID, in join order. */
  members: Map<number, Member>;
  /** Epoch ms. */
  createdAt: number;
}

export interface ConferenceState {
  readonly conferences: Map<string, LiveConference>;
}

export function createConferenceState(): ConferenceState {
  return { conferences: new Map() };
}

export function memberCount(conference: LiveConference): number {
  return conference.members.size;
}

export const MAX_MEMBER_ID = 2_147_483_647;

/**
 * Applies one event; returns what it changed (NO_CHANGES when nothing, or for non-conference events).
 * Records name the conference by the name the state keeps and members by Member-ID.
 */
export function applyConferenceEvent(
  state: ConferenceState,
  event: EslEvent,
  clock: () => number = Date.now,
): readonly StateChange[] {
  if (event.name !== 'CUSTOM' || event.subclass !== CONFERENCE_SUBCLASS) return NO_CHANGES;
  const h = event.headers;
  const name = text(h, 'Conference-Name');
  const action = h['Action'];
  if (name === undefined || action === undefined) return NO_CHANGES;
  const uuid = id(h, 'Conference-Unique-ID');
  const current = state.conferences.get(name);
  // An event from another life of this conference name (a destroy we already saw, a late file event).
  const sameLife = current !== undefined && (uuid === undefined || uuid === current.uuid);

  switch (action) {
    case 'conference-create': {
      if (sameLife) return NO_CHANGES;
      const created = newConference(name, uuid, eventTime(h, clock));
      state.conferences.set(name, created);
      return current === undefined
        ? [conferenceChange('created', created)]
        : [conferenceChange('destroyed', current), conferenceChange('created', created)];
    }
    case 'conference-destroy':
      if (!sameLife) return NO_CHANGES;
      state.conferences.delete(name);
      return [conferenceChange('destroyed', current)];
    case 'add-member':
      return addMember(state, name, uuid, current, sameLife, h, clock);
  }
  if (!sameLife || current === undefined) return NO_CHANGES;
  const conference = current;
  switch (action) {
    case 'lock':
    case 'unlock':
      return setLocked(conference, action === 'lock');
    case 'start-recording':
      return startRecording(conference, text(h, 'Path', 1024), eventTime(h, clock));
    case 'stop-recording':
      return stopRecording(conference, text(h, 'Path', 1024), flag(h, 'Other-Recordings'));
    case 'pause-recording':
    case 'resume-recording':
      return pauseRecording(conference, text(h, 'Path', 1024), action === 'pause-recording');
    case 'floor-change':
      return changeFloor(conference, h);
    case 'del-member': {
      const memberId = int(h, 'Member-ID', 1, MAX_MEMBER_ID);
      if (memberId === undefined || !conference.members.delete(memberId)) return NO_CHANGES;
      return [memberChange('left', conference, memberId)];
    }
  }
  const member = memberOf(conference, h);
  if (member === undefined) return NO_CHANGES;
  const hadFloor = member.floor;
  const refreshed = refreshMember(conference, member, h);
  if (!applyMemberAction(member, action, h) && !refreshed) return NO_CHANGES;
  return memberUpdated(conference, member, hadFloor);
}

/** The member changed; the floor is the conference's too when it moved to or from this member. */
function memberUpdated(
  conference: LiveConference,
  member: Member,
  hadFloor: boolean,
): readonly StateChange[] {
  const updated = memberChange('updated', conference, member.id);
  return member.floor === hadFloor ? [updated] : [updated, conferenceChange('updated', conference)];
}

function conferenceChange(how: ConferenceChange['how'], conference: LiveConference): ConferenceChange {
  return { kind: 'conference', how, conference: conference.name };
}

function memberChange(how: MemberChange['how'], conference: LiveConference, member: number): MemberChange {
  return { kind: 'member', how, conference: conference.name, member };
}

function recordingChange(
  how: RecordingChange['how'],
  conference: LiveConference,
  recording: Recording,
): RecordingChange {
  return { kind: 'recording', how, conference: conference.name, path: recording.path };
}

function newConference(name: string, uuid: string | undefined, createdAt: number): LiveConference {
  return {
    name: detach(name),
    uuid: uuid === undefined ? '' : detach(uuid),
    locked: false,
    recordings: [],
    members: new Map(),
    createdAt,
  };
}

function addMember(
  state: ConferenceState,
  name: string,
  uuid: string | undefined,
  current: LiveConference | undefined,
  sameLife: boolean,
  h: Headers,
  clock: () => number,
): readonly StateChange[] {
  const memberId = int(h, 'Member-ID', 1, MAX_MEMBER_ID);
  if (memberId === undefined) return NO_CHANGES;
  let conference = current;
  const changes: StateChange[] = [];
  if (conference === undefined || !sameLife) {
    // We missed conference-create (or this name started a new life): the member event says it exists.
    if (conference !== undefined) changes.push(conferenceChange('destroyed', conference));
    conference = newConference(name, uuid, eventTime(h, clock));
    state.conferences.set(name, conference);
    changes.push(conferenceChange('created', conference));
  }
  const existing = conference.members.get(memberId);
  if (existing !== undefined) {
    const hadFloor = existing.floor;
    return refreshMember(conference, existing, h)
      ? memberUpdated(conference, existing, hadFloor)
      : NO_CHANGES;
  }
  const callerIdNumber = text(h, 'Caller-Caller-ID-Number') ?? '';
  const member: Member = {
    id: memberId,
    uuid: detach(id(h, 'Unique-ID') ?? ''),
    channelName: detach(text(h, 'Channel-Name') ?? ''),
    callerIdNumber: detach(callerIdNumber),
    callerIdName: detach(text(h, 'Caller-Caller-ID-Name') ?? ''),
    user: undefined,
    canHear: flag(h, 'Hear') ?? true,
    canSpeak: flag(h, 'Speak') ?? true,
    talking: flag(h, 'Talking') ?? false,
    floor: false,
    moderator: h['Member-Type'] === 'moderator',
    muteDetect: flag(h, 'Mute-Detect') ?? false,
    volumeIn: 0,
    volumeOut: 0,
    energyLevel: int(h, 'Energy-Level', ...ENERGY_RANGE) ?? 0,
    joinedAt: eventTime(h, clock),
  };
  const user = memberUser(memberFacts(h), callerIdNumber);
  member.user = user === undefined ? undefined : detach(user);
  conference.members.set(memberId, member);
  changes.push(memberChange('joined', conference, memberId));
  if (flag(h, 'Floor') === true) {
    giveFloor(conference, member);
    changes.push(conferenceChange('updated', conference));
  }
  return changes;
}

/** Conference events carry the channel's basic data but no `variable_*` headers. */
function memberFacts(h: Headers): ChannelFacts {
  return {
    direction: h['Call-Direction'],
    channelName: text(h, 'Channel-Name'),
    presenceId: text(h, 'Channel-Presence-ID'),
    callerUsername: text(h, 'Caller-Username'),
  };
}

function memberOf(conference: LiveConference, h: Headers): Member | undefined {
  const memberId = int(h, 'Member-ID', 1, MAX_MEMBER_ID);
  return memberId === undefined ? undefined : conference.members.get(memberId);
}

/** Copies every member flag the event states; returns true when something changed. */
function refreshMember(conference: LiveConference, member: Member, h: Headers): boolean {
  const before = snapshotFlags(member);
  member.canHear = flag(h, 'Hear') ?? member.canHear;
  member.canSpeak = flag(h, 'Speak') ?? member.canSpeak;
  member.talking = flag(h, 'Talking') ?? member.talking;
  member.muteDetect = flag(h, 'Mute-Detect') ?? member.muteDetect;
  const type = h['Member-Type'];
  if (type === 'moderator' || type === 'member') member.moderator = type === 'moderator';
  member.energyLevel = int(h, 'Energy-Level', ...ENERGY_RANGE) ?? member.energyLevel;
  member.callerIdNumber = keep(member.callerIdNumber, text(h, 'Caller-Caller-ID-Number'));
  member.callerIdName = keep(member.callerIdName, text(h, 'Caller-Caller-ID-Name'));
  if (member.user === undefined)
    member.user = keepOptional(undefined, memberUser(memberFacts(h), member.callerIdNumber));
  const floor = flag(h, 'Floor');
  if (floor === true) giveFloor(conference, member);
  else if (floor === false) member.floor = false;
  return before !== snapshotFlags(member);
}

function snapshotFlags(m: Member): string {
  return `${+m.canHear}${+m.canSpeak}${+m.talking}${+m.muteDetect}${+m.moderator}${+m.floor}|${m.energyLevel}|${m.callerIdNumber}|${m.callerIdName}|${m.user}`;
}

function giveFloor(conference: LiveConference, holder: Member): void {
  if (holder.floor) return;
  for (const member of conference.members.values()) member.floor = false;
  holder.floor = true;
}

function changeFloor(conference: LiveConference, h: Headers): readonly StateChange[] {
  const before = [...conference.members.values()].find((m) => m.floor)?.id;
  const newId = h['New-ID'];
  if (newId === 'none') {
    for (const member of conference.members.values()) member.floor = false;
  } else {
    const holder = conference.members.get(int(h, 'New-ID', 1, MAX_MEMBER_ID) ?? 0);
    if (holder === undefined) return NO_CHANGES;
    giveFloor(conference, holder);
  }
  return before === [...conference.members.values()].find((m) => m.floor)?.id
    ? NO_CHANGES
    : [conferenceChange('updated', conference)];
}

function setLocked(conference: LiveConference, locked: boolean): readonly StateChange[] {
  if (conference.locked === locked) return NO_CHANGES;
  conference.locked = locked;
  return [conferenceChange('updated', conference)];
}

function startRecording(
  conference: LiveConference,
  path: string | undefined,
  at: number,
): readonly StateChange[] {
  if (path === undefined || conference.recordings.some((r) => r.path === path)) return NO_CHANGES;
  const recording: Recording = { path: detach(path), startedAt: at, paused: false };
  conference.recordings.push(recording);
  return [recordingChange('started', conference, recording)];
}

function stopRecording(
  conference: LiveConference,
  path: string | undefined,
  others: boolean | undefined,
): readonly StateChange[] {
  const before = conference.recordings;
  // `norecord all` reports Path=all; Other-Recordings=false says nothing is recording any more.
  if (path === 'all' || others === false) conference.recordings = [];
  else if (path !== undefined) conference.recordings = conference.recordings.filter((r) => r.path !== path);
  if (conference.recordings.length === before.length) return NO_CHANGES;
  const kept = new Set(conference.recordings);
  return before.filter((r) => !kept.has(r)).map((r) => recordingChange('stopped', conference, r));
}

function pauseRecording(
  conference: LiveConference,
  path: string | undefined,
  paused: boolean,
): readonly StateChange[] {
  const recording = conference.recordings.find((r) => r.path === path);
  if (recording === undefined || recording.paused === paused) return NO_CHANGES;
  recording.paused = paused;
  return [recordingChange(paused ? 'paused' : 'resumed', conference, recording)];
}
