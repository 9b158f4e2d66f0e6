// How far a live call has got, for the `state` extra of an active-CDR entry: sipX's fields say who
// called whom and who answered, but a wallboard (or a click-to-call client following the UUID it was
// given) also wants to tell "the phone is ringing" from "they are talking". Pure.
import type { Call } from './calls.js';

/**
 * - ringing: no leg has answered (the user's phone rings, or an incoming call rings);
 * - answered: one party answered and the other is being dialled (or an application answered);
 * - bridged: two parties answered and are connected;
 * - held: answered, and a party is on hold (uuid_hold or their phone's hold button);
 * - ending: a leg hung up and the rest of the call is being torn down.
 */
export type CallProgress = 'ringing' | 'answered' | 'bridged' | 'held' | 'ending';

export function callProgress(call: Call): CallProgress {
  let answered = 0;
  let held = false;
  for (const leg of call.legs) {
    if (leg.phase === 'hangup') return 'ending';
    if (leg.answeredAt !== undefined || leg.phase === 'answered') answered++;
    if (leg.held) held = true;
  }
  if (answered > 0 && held) return 'held';
  return answered >= 2 ? 'bridged' : answered === 1 ? 'answered' : 'ringing';
}
