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
// Who is the caller, by how the call started (its origin leg, see callShape):
// - inbound: a phone or trunk called FreeSWITCH: from that leg's user (or caller ID number) to the
//   number it dialed; the recipient is who answered behind it (or the dialed number when an
//   application answered).
// - click-to-call: the daemon rang its user's phone (`fsconfd_user`) to dial `fsconfd_target` once
//   answered: from the user to the target at every moment, whatever FreeSWITCH's caller profile says
//   (it names the user's own number until it flips, see calls.ts); the recipient is who answered
//   behind the target, or the target itself when the leg runs it (IVR, conference, park).
// - originate-bridge: an API originate that rang a phone and bridged it on (click-to-call by another
//   tool): from that phone's user to the leg it was bridged to.
// - originate: an API originate that rings one phone and runs something on it: a conference `dial`,
//   `bgdial` or `invite`, `originate user/x &park()`. FreeSWITCH calls that phone, so it is an
//   INCOMING call to the phone's user from the caller ID it was given (the conference's number).

import type { Call, CallState, Channel } from './calls.js';
import { callsForUser, originOf, peersOf } from './calls.js';
import { answered } from './call-progress.js';
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

export type CallShape = 'inbound' | 'click-to-call' | 'originate-bridge' | 'originate';

interface Parties {
  /** The user who placed the call (OUTGOING for them), if a user did. */
  caller: string | undefined;
  from: string;
  fromName: string | undefined;
  /** The leg the `from` party is on, for `internal` (undefined: only a number is known). */
  fromLeg: Channel | undefined;
  to: string;
  /** `to-aor` when `to` is not a user of the domain (a foreign SIP target). */
  toAddress: string | undefined;
  toLeg: Channel | undefined;
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
  const fromLocal = isLocal(parties.fromLeg, parties.from, options);
  const toLeg = parties.toLeg;
  const toLocal = isLocal(toLeg, toLeg === undefined ? parties.to : (toLeg.user ?? ''), options);
  return {
    from: parties.from,
    'from-aor': aor(parties.from, options.domain, parties.fromName),
    to: parties.to,
    'to-aor': parties.toAddress ?? aor(parties.to, options.domain, undefined),
    direction: parties.caller !== undefined && parties.caller === user ? 'OUTGOING' : 'INCOMING',
    recipient: parties.recipient,
    internal: fromLocal && toLocal,
    type: LIVE_CDR_TYPE,
    'start-time': Number.isFinite(startTime) ? startTime : 0,
    duration: Number.isFinite(startTime) ? Math.max(0, options.now - startTime) : 0,
  };
}

/** How the call started (see the top of this file). */
export function callShape(call: Call): CallShape {
  const origin = originOf(call);
  if (origin === undefined || origin.direction === 'inbound') return 'inbound';
  if (origin.target !== undefined) return 'click-to-call';
  return call.hadPeers ? 'originate-bridge' : 'originate';
}

/** The user who placed the call: OUTGOING for them, INCOMING for everyone else on it. */
export function callerOf(call: Call): string | undefined {
  return partiesOf(call).caller;
}

function partiesOf(call: Call): Parties {
  const origin = originOf(call)!;
  const others = peersOf(call);
  // The leg that answered is the peer; before that, the newest leg being rung.
  const peer = others.find((leg) => answered(leg) && leg.phase !== 'hangup') ?? others.at(-1);
  const peerName = peer === undefined ? '' : (peer.user ?? peer.destination);
  const peerAnswered = peer !== undefined && answered(peer);
  switch (callShape(call)) {
    case 'inbound': {
      const answeredByApp = answered(origin) ? origin.destination : '';
      return {
        caller: origin.user,
        from: origin.user ?? usableNumber(origin.callerIdNumber),
        fromName: origin.callerIdName,
        fromLeg: origin,
        to: origin.destination,
        toAddress: undefined,
        toLeg: peer,
        recipient: peerAnswered ? peerName : answeredByApp,
      };
    }
    case 'click-to-call': {
      const target = targetOf(origin.target ?? '');
      const caller = origin.placedBy ?? origin.user;
      // No peer: the leg runs the target itself once the user answered.
      const runsTarget = peer === undefined && answered(origin);
      return {
        caller,
        from: caller ?? '',
        fromName: undefined,
        fromLeg: origin,
        to: target.user,
        toAddress: target.address,
        toLeg: peer,
        recipient: peerAnswered ? peerName : runsTarget ? target.user : '',
      };
    }
    case 'originate-bridge':
      return {
        caller: origin.user,
        from: origin.user ?? origin.destination,
        fromName: undefined,
        fromLeg: origin,
        to: peerName,
        toAddress: undefined,
        toLeg: peer,
        recipient: peerAnswered ? peerName : '',
      };
    case 'originate': {
      const to = origin.user ?? origin.destination;
      return {
        caller: undefined,
        from: usableNumber(origin.origCallerIdNumber || origin.callerIdNumber),
        fromName: origin.origCallerIdName || origin.callerIdName,
        fromLeg: undefined,
        to,
        toAddress: undefined,
        toLeg: origin,
        recipient: answered(origin) ? to : '',
      };
    }
  }
}

/** `fsconfd_target`: an extension or number, or `user@host[:port]` for a foreign SIP URI. */
function targetOf(target: string): { user: string; address: string | undefined } {
  const at = target.indexOf('@');
  if (at === -1) return { user: target, address: undefined };
  return { user: target.slice(0, at), address: `<sip:${target}>` };
}

function usableNumber(number: string): string {
  return isPlaceholderNumber(number) ? '' : number;
}

function isLocal(leg: Channel | undefined, user: string, options: ActiveCdrOptions): boolean {
  if (user === '') return false;
  if (options.isLocalUser !== undefined) return options.isLocalUser(user);
  return leg !== undefined && leg.user === user && leg.directoryUser;
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
