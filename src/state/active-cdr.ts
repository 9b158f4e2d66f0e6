// sipX "active CDR" view of a live call, relative to one user (GET /my/activecdrs, /activecdrs/{user}).
// Field names and meanings from the sipXconfig REST docs (../shared/seeds 000-002):
//   from / to         user part of the caller / the dialed target (or PSTN number)
//   from-aor / to-aor the whole From / To address: `"Name" <sip:user@domain>` / `<sip:user@domain>`
//   direction         INCOMING or OUTGOING, relative to the user asked about
//   recipient         the party that answered ('' while nobody has)
//   internal          true when both ends are local users
//   type              read-only, "for internal use"; sipX answered "Unknown" for live calls
//   start-time        epoch ms when the call started; duration ms until `now`, computed on read.
//
// Who is the caller: a call started by an INBOUND leg (a phone or trunk called FreeSWITCH) is from
// that leg's user (or caller ID number) to the number it dialed. A call started by an OUTBOUND leg
// with no originator is an API originate, which this daemon uses for click-to-call: FreeSWITCH rings
// the requesting user's phone first, then bridges it to the target, so the first leg's user is the
// caller and the other leg's destination is `to` ('' until that leg exists).

import type { Call, CallState, Channel } from './calls.js';
import { callsForUser } from './calls.js';
import { isPlaceholderNumber } from './channel-user.js';

export type CdrDirection = 'INCOMING' | 'OUTGOING';

export interface ActiveCdr {
  from: string;
  'from-aor': string;
  to: string;
  'to-aor': string;
  direction: CdrDirection;
  recipient: string;
  internal: boolean;
  type: string;
  'start-time': number;
  duration: number;
}

export interface ActiveCdrOptions {
  /** SIP domain for the AORs. */
  domain: string;
  /** Epoch ms the duration is computed to. */
  now: number;
  /** Whether a user name is a local user; default: the leg carried directory evidence. */
  isLocalUser?: (user: string) => boolean;
}

/** sipX's value for the read-only `type` field of a live call. */
export const LIVE_CDR_TYPE = 'Unknown';

interface Parties {
  origin: Channel;
  peer: Channel | undefined;
  from: string;
  fromName: string | undefined;
  to: string;
  recipient: string;
}

/** The user's live calls (as caller or callee), ordered by start time; ended calls are left out. */
export function activeCdrsForUser(state: CallState, user: string, options: ActiveCdrOptions): ActiveCdr[] {
  return callsForUser(state, user)
    .filter(isLive)
    .map((call) => activeCdr(call, user, options))
    .sort((a, b) => a['start-time'] - b['start-time']);
}

/** A call is live while one of its legs has not hung up. */
export function isLive(call: Call): boolean {
  return call.legs.some((leg) => leg.phase !== 'hangup');
}

export function activeCdr(call: Call, user: string, options: ActiveCdrOptions): ActiveCdr {
  const parties = partiesOf(call);
  const startTime = Math.min(...call.legs.map((leg) => leg.createdAt));
  const fromLocal = isLocal(parties.origin, parties.from, options);
  const toLeg = parties.peer;
  const toLocal = toLeg !== undefined ? isLocal(toLeg, toLeg.user ?? '', options) : false;
  return {
    from: parties.from,
    'from-aor': aor(parties.from, options.domain, parties.fromName),
    to: parties.to,
    'to-aor': aor(parties.to, options.domain, undefined),
    direction: parties.origin.user === user ? 'OUTGOING' : 'INCOMING',
    recipient: parties.recipient,
    internal: fromLocal && toLocal,
    type: LIVE_CDR_TYPE,
    'start-time': Number.isFinite(startTime) ? startTime : 0,
    duration: Number.isFinite(startTime) ? Math.max(0, options.now - startTime) : 0,
  };
}

function partiesOf(call: Call): Parties {
  const origin = call.legs.find((leg) => leg.uuid === call.id) ?? call.legs[0]!;
  const others = call.legs.filter((leg) => leg !== origin);
  // The leg that answered is the peer; before that, the newest leg being rung.
  const peer = others.find((leg) => answered(leg) && leg.phase !== 'hangup') ?? others.at(-1);
  const peerName = peer === undefined ? '' : (peer.user ?? peer.destination);
  const peerAnswered = peer !== undefined && answered(peer);
  if (origin.direction === 'inbound') {
    const from = origin.user ?? usableNumber(origin.callerIdNumber);
    const answeredByApp = answered(origin) ? origin.destination : '';
    return {
      origin,
      peer,
      from,
      fromName: origin.callerIdName,
      to: origin.destination,
      recipient: peerAnswered ? peerName : answeredByApp,
    };
  }
  return {
    origin,
    peer,
    from: origin.user ?? origin.destination,
    fromName: undefined,
    to: peerName,
    recipient: peerAnswered ? peerName : '',
  };
}

/** Snapshots know the phase but not the answer time; events know both. */
function answered(leg: Channel): boolean {
  return leg.answeredAt !== undefined || leg.phase === 'answered';
}

function usableNumber(number: string): string {
  return isPlaceholderNumber(number) ? '' : number;
}

function isLocal(leg: Channel, user: string, options: ActiveCdrOptions): boolean {
  if (user === '') return false;
  if (options.isLocalUser !== undefined) return options.isLocalUser(user);
  return leg.user === user && leg.directoryUser;
}

/** `"Name" <sip:user@domain>`; no display name when it adds nothing; '' without a user. */
export function aor(user: string, domain: string, displayName: string | undefined): string {
  if (user === '') return '';
  const uri = `<sip:${user}@${domain}>`;
  if (displayName === undefined || displayName === '' || isPlaceholderName(displayName)) return uri;
  return `"${displayName.replace(/["\\]/g, (c) => `\\${c}`)}" ${uri}`;
}

/** Names FreeSWITCH puts on legs it originates itself. */
function isPlaceholderName(name: string): boolean {
  return name === 'Outbound Call' || name === 'Inbound Call' || isPlaceholderNumber(name);
}
