// How far a live call has got, for the `state` extra of an active-CDR entry: sipX's fields say who
// called whom and who answered, but a wallboard (or a click-to-call client following the UUID it was
// given) also wants to tell "the phone is ringing" from "they are talking". Pure.
import type { Call } from './calls.js';

/**
 * - ringing: no leg has answered (the user's phone rings, or an incoming call rings);
 * - answered: one party answered and the other is being dialled (or an application answered);
 * - bridged: two parties answered and are connected;
 * - ending: a leg hung up and the rest of the call is being torn down.
 */
export type CallProgress = 'ringing' | 'answered' | 'bridged' | 'ending';

export function callProgress(call: Call): CallProgress {
  let answered = 0;
  for (const leg of call.legs) {
    if (leg.phase === 'hangup') return 'ending';
    if (leg.answeredAt !== undefined || leg.phase === 'answered') answered++;
  }
  return answered >= 2 ? 'bridged' : answered === 1 ? 'answered' : 'ringing';
}
