// The live event stream's wire format: JSON text frames, one message each. A client gets one
// `snapshot` of everything it may see, then deltas in the order the daemon applied FreeSWITCH's
// events. Every delta carries the whole current view of what changed (member, call, conference), so a
// client can replace what it holds instead of patching fields.
import type { ExtendedMemberDetails } from '../state/conference-details.js';
import type { CallProgress } from '../state/call-progress.js';
import type { LegView } from '../state/leg-view.js';

export type { LegView };

/** Where the stream is served (also under /sipxconfig/rest, like every route). */
export const STREAM_PATH = '/events';

/** Close codes the server uses (4000-4999 is the range RFC 6455 leaves to applications). */
export const CLOSE_CODES = {
  /** The server is stopping. */
  goingAway: 1001,
  /** Too many streams (for the daemon or for this user); try again later. */
  tryAgainLater: 1013,
  /** The client did not read fast enough: its unread data passed the server's bound. */
  slowClient: 4000,
  /** The user was deleted or their password or role changed: reconnect with current credentials. */
  credentialsChanged: 4001,
} as const;

/** A member as /my/conferencedetails?extended=true shows it: sipX's fields, talking, moderator, joinTime. */
export type MemberView = ExtendedMemberDetails;

export interface ConferenceView {
  name: string;
  /** The FreeSWITCH node hosting it. */
  node: string;
  extension: string;
  description: string;
  locked: boolean;
  recording: boolean;
  /** Member id holding the floor (the loudest speaker FreeSWITCH picked), or null. */
  floor: number | null;
  /** In join order. */
  members: MemberView[];
}

/** A call as its parties see it: /my/activecdrs' fields without the AORs and the running duration. */
export interface UserCallView {
  uuid: string;
  node: string;
  state: CallProgress;
  from: string;
  to: string;
  /** Relative to the user the message is for. */
  direction: 'INCOMING' | 'OUTGOING';
  recipient: string;
  internal: boolean;
  'start-time': number;
}

/** A call as an admin sees it (/api/activecalls): absolute direction and the legs. */
export interface AdminCallView extends Omit<UserCallView, 'direction'> {
  /** INCOMING: a phone or trunk called the switch; OUTGOING: the switch placed it. */
  direction: 'INCOMING' | 'OUTGOING';
  legs: LegView[];
}

export type CallView = UserCallView | AdminCallView;

export type ConferenceEventType =
  | 'conference.started'
  | 'conference.ended'
  | 'conference.updated'
  | 'conference.locked'
  | 'conference.unlocked'
  | 'conference.recording-started'
  | 'conference.recording-stopped'
  | 'conference.floor';

export type MemberEventType =
  | 'member.joined'
  | 'member.left'
  | 'member.muted'
  | 'member.unmuted'
  | 'member.deafened'
  | 'member.undeafened'
  | 'member.talking-started'
  | 'member.talking-stopped'
  | 'member.updated';

export type CallEventType =
  | 'call.created'
  | 'call.ringing'
  | 'call.answered'
  | 'call.bridged'
  | 'call.held'
  /** Off hold again (the call's state is what it was before: answered or bridged). */
  | 'call.resumed'
  | 'call.ending'
  | 'call.updated'
  | 'call.ended';

export type StreamMessage =
  | {
      type: 'snapshot';
      conferences: ConferenceView[];
      calls: CallView[];
      /** Nodes not in sync: what the client holds about them may be stale until `node.available`. */
      unavailableNodes: string[];
      /** A `heartbeat` message comes this often: a client that hears nothing for longer may reconnect. */
      heartbeatMs: number;
    }
  /** started/updated carry the whole conference; the others only what changed. */
  | { type: 'conference.started' | 'conference.updated'; conference: ConferenceView }
  | {
      type: Exclude<ConferenceEventType, 'conference.started' | 'conference.updated'>;
      conference: string;
      /** conference.floor: the member now holding the floor, or null. */
      member?: number | null;
    }
  | { type: MemberEventType; conference: string; member: MemberView }
  | { type: CallEventType; call: CallView }
  | { type: 'node.unavailable' | 'node.available'; node: string }
  | { type: 'heartbeat'; time: number };
