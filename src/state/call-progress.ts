// How far a live call has got, for the `state` extra of an active-CDR entry: sipX's fields say who
// called whom and who answered, but a wallboard (or a click-to-call client following the UUID it was
// given) also wants to tell "the phone is ringing" from "they are talking". Pure.
//
// The far end of a call is the leg(s) its origin called (peersOf), or the origin itself when it calls
// nobody: an inbound call an application answers, a conference `dial` ringing a phone, a
// click-to-call leg running its target (IVR, conference, park) once the user answered. A click-to-call
// rings twice: the user's own phone, then (after the user answered) the target's B-leg; it reads
// `ringing` both times (in between, for the moment FreeSWITCH takes to create the B-leg, the user's
// answered leg runs the target and reads `answered`).
import type { Call, Channel } from './calls.js';
import { originOf, peersOf } from './calls.js';

/**
 * - ringing: the far end has not answered (a phone rings, or an incoming call waits for an answer);
 * - answered: the far end answered and the origin is not (yet) connected to it, or an application
 *   answered the origin;
 * - bridged: both ends answered and are connected;
 * - held: answered, and a party is on hold (uuid_hold or their phone's hold button);
 * - ending: a leg hung up and the rest of the call is being torn down.
 */
export type CallProgress = 'ringing' | 'answered' | 'bridged' | 'held' | 'ending';

export function callProgress(call: Call): CallProgress {
  if (call.legs.some((leg) => leg.phase === 'hangup')) return 'ending';
  const origin = originOf(call);
  if (origin === undefined) return 'ending';
  if (call.legs.some((leg) => leg.held) && call.legs.some(answered)) return 'held';
  const peers = peersOf(call);
  if (peers.length === 0) return answered(origin) ? 'answered' : 'ringing';
  if (!peers.some(answered)) return 'ringing';
  return answered(origin) ? 'bridged' : 'answered';
}

/** Snapshots know the phase but not the answer time; events know both. */
export function answered(leg: Channel): boolean {
  return leg.answeredAt !== undefined || leg.phase === 'answered';
}
