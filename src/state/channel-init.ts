// What a CHANNEL_* event (or a `uuid_dump`'s CHANNEL_DATA) says about one channel, in the shape the
// call reducer (calls.ts) and the snapshot parser (snapshot.ts) hand it: a bounded, validated
// ChannelInit. Pure; never throws.
import type { ChannelFacts } from './channel-user.js';
import type { Headers } from './event-fields.js';
import { id, microsToMs, text } from './event-fields.js';

export type ChannelPhase = 'ringing' | 'early' | 'answered' | 'hangup';

/** Which half of a loopback channel a leg is (`variable_loopback_leg`) and the other half's uuid. */
export interface LoopbackHalf {
  half: 'A' | 'B';
  other: string | undefined;
}

/** Bounds of the daemon's own channel variables (user names and click-to-call targets). */
const MAX_USER_LENGTH = 64;
const MAX_TARGET_LENGTH = 256;

/** A channel as a snapshot row or an event describes it. */
export interface ChannelInit {
  uuid: string;
  name?: string | undefined;
  direction?: string | undefined;
  facts: ChannelFacts;
  callerIdNumber?: string | undefined;
  callerIdName?: string | undefined;
  destination?: string | undefined;
  origCallerIdNumber?: string | undefined;
  origCallerIdName?: string | undefined;
  placedBy?: string | undefined;
  target?: string | undefined;
  loopback?: LoopbackHalf | undefined;
  createdAt: number;
  answeredAt?: number | undefined;
  phase?: ChannelPhase | undefined;
  /** Undefined: the source does not say (the leg keeps what it was). */
  held?: boolean | undefined;
  /** The uuid of the leg (or call) this one belongs with, if any. */
  joins?: string | undefined;
}

export function channelInitFromEvent(uuid: string, h: Headers, eventName: string): ChannelInit {
  const originator = h['Other-Type'] === 'originator' ? id(h, 'Other-Leg-Unique-ID') : undefined;
  const leg = h['variable_loopback_leg'];
  const half: 'A' | 'B' | undefined = leg === 'A' ? 'A' : leg === 'B' ? 'B' : undefined;
  const loopback = half && { half, other: id(h, 'variable_other_loopback_leg_uuid') };
  return {
    uuid,
    name: text(h, 'Channel-Name'),
    direction: h['Call-Direction'],
    facts: {
      direction: h['Call-Direction'],
      channelName: text(h, 'Channel-Name'),
      presenceId: text(h, 'Channel-Presence-ID'),
      userName: text(h, 'variable_user_name'),
      dialedUser: text(h, 'variable_dialed_user'),
      callerUsername: text(h, 'Caller-Username'),
    },
    callerIdNumber: text(h, 'Caller-Caller-ID-Number'),
    callerIdName: text(h, 'Caller-Caller-ID-Name'),
    destination: text(h, 'Caller-Destination-Number'),
    origCallerIdNumber: text(h, 'Caller-Orig-Caller-ID-Number'),
    origCallerIdName: text(h, 'Caller-Orig-Caller-ID-Name'),
    placedBy: text(h, 'variable_fsconfd_user', MAX_USER_LENGTH),
    target: text(h, 'variable_fsconfd_target', MAX_TARGET_LENGTH),
    loopback,
    createdAt: microsToMs(h, 'Caller-Channel-Created-Time') ?? microsToMs(h, 'Event-Date-Timestamp') ?? 0,
    answeredAt: microsToMs(h, 'Caller-Channel-Answered-Time'),
    phase: phaseOf(h['Answer-State'], eventName),
    held: heldOf(h['Channel-Call-State'], eventName),
    // A `-b` half files itself under its `-a` half (created first); an `-a` half never files
    // itself under its `-b` half, which would make the inner leg the call's origin.
    joins: originator ?? id(h, 'variable_originator') ?? (half === 'B' ? loopback?.other : undefined),
  };
}

function phaseOf(answerState: string | undefined, eventName: string): ChannelPhase | undefined {
  switch (answerState) {
    case 'ringing':
    case 'early':
    case 'answered':
    case 'hangup':
      return answerState;
  }
  switch (eventName) {
    case 'CHANNEL_PROGRESS_MEDIA':
      return 'early';
    case 'CHANNEL_ANSWER':
    case 'CHANNEL_BRIDGE':
      return 'answered';
    case 'CHANNEL_HANGUP':
    case 'CHANNEL_HANGUP_COMPLETE':
      return 'hangup';
    default:
      return undefined;
  }
}

/** CHANNEL_HOLD/UNHOLD say it; other events carry the call state (HELD while on hold). */
function heldOf(callState: string | undefined, eventName: string): boolean | undefined {
  if (eventName === 'CHANNEL_HOLD') return true;
  if (eventName === 'CHANNEL_UNHOLD') return false;
  switch (callState) {
    case 'HELD':
      return true;
    case 'UNHELD':
    case 'ACTIVE':
    case 'EARLY':
    case 'RINGING':
    case 'DOWN':
    case 'HANGUP':
      return false;
    default:
      return undefined;
  }
}
