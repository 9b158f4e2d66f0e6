// Caller profiles of each kind of leg and the caller-id "flips" FreeSWITCH performs, as the transcripts
// show them: an originated leg's callee is `Outbound Call`; a leg originated by an outbound channel takes
// that channel's callee as its caller id; a loopback A-leg that runs an application swaps caller and
// callee (so it reads `Outbound Call`/`default`); a bridging A-leg swaps too and takes the peer's callee.
import type { CallerProfile } from './caller-profile.js';
import { cloneProfile, zeroTimes } from './caller-profile.js';

export const OUTBOUND_CALL = 'Outbound Call';
/** Caller id number FreeSWITCH uses when an originate gives none. */
export const DEFAULT_CID_NUMBER = '0000000000';

export interface CallerId {
  name: string;
  number: string;
}

/** The profile of a freshly originated outbound leg (sofia or loopback A-leg). */
export function outboundProfile(opts: {
  uuid: string;
  channelName: string;
  caller: CallerId;
  orig?: CallerId;
  callee: CallerId;
  destination: string;
  source: string;
  context: string;
  dialplan?: string;
  networkAddr?: string;
  now: number;
}): CallerProfile {
  const orig = opts.orig ?? opts.caller;
  const times = zeroTimes();
  times.profileCreated = opts.now;
  times.channelCreated = opts.now;
  const p: CallerProfile = {
    direction: 'outbound',
    logicalDirection: 'outbound',
    callerIdName: opts.caller.name,
    callerIdNumber: opts.caller.number,
    origCallerIdName: orig.name,
    origCallerIdNumber: orig.number,
    calleeIdName: opts.callee.name,
    calleeIdNumber: opts.callee.number,
    ani: orig.number,
    destinationNumber: opts.destination,
    uuid: opts.uuid,
    source: opts.source,
    context: opts.context,
    channelName: opts.channelName,
    profileIndex: '1',
    times,
  };
  if (opts.dialplan) p.dialplan = opts.dialplan;
  if (opts.networkAddr) p.networkAddr = opts.networkAddr;
  return p;
}

/**
 * How a new leg sees the channel that originated it (Other-Type: originator). An outbound originator
 * (an originated A-leg) appears with caller and callee swapped; an inbound caller appears as it is.
 */
export function originatorView(originator: CallerProfile): CallerProfile {
  const p = cloneProfile(originator);
  p.logicalDirection = 'inbound';
  if (originator.direction === 'outbound') {
    p.callerIdName = originator.calleeIdName ?? originator.callerIdName;
    p.callerIdNumber = originator.calleeIdNumber ?? originator.callerIdNumber;
    p.calleeIdName = originator.callerIdName;
    p.calleeIdNumber = originator.callerIdNumber;
  }
  delete p.profileIndex;
  p.times = zeroTimes();
  return p;
}

/**
 * A leg originated by another channel starts from a copy of that channel's profile (so it keeps its
 * source, dialplan, network address, ANI and original caller id) with its own identity and callee.
 */
export function derivedProfile(
  originator: CallerProfile,
  opts: {
    uuid: string;
    channelName: string;
    destination: string;
    caller: CallerId;
    callee: CallerId;
    now: number;
  },
): CallerProfile {
  const p = cloneProfile(originator);
  p.direction = 'outbound';
  p.logicalDirection = 'outbound';
  p.uuid = opts.uuid;
  p.channelName = opts.channelName;
  p.destinationNumber = opts.destination;
  p.callerIdName = opts.caller.name;
  p.callerIdNumber = opts.caller.number;
  p.calleeIdName = opts.callee.name;
  p.calleeIdNumber = opts.callee.number;
  p.profileIndex = '1';
  delete p.transferSource;
  delete p.rdnis;
  p.times = zeroTimes();
  p.times.profileCreated = opts.now;
  p.times.channelCreated = opts.now;
  return p;
}

/** How a bridged leg's CALL_UPDATE shows its originator: as it is now, times not copied. */
export function bridgedPartnerView(partner: CallerProfile): CallerProfile {
  const p = cloneProfile(partner);
  p.logicalDirection = 'inbound';
  delete p.profileIndex;
  p.times = zeroTimes();
  return p;
}

/** How the originating channel sees the answered leg (Other-Type: originatee). */
export function originateeView(peer: CallerProfile): CallerProfile {
  const p = cloneProfile(peer);
  p.logicalDirection = 'inbound';
  delete p.profileIndex;
  p.times.bridged = 0;
  return p;
}

/** The caller id a leg originated by `originator` carries: an outbound originator's callee, else its caller. */
export function inheritedCallerId(originator: CallerProfile): CallerId {
  if (originator.direction === 'inbound')
    return { name: originator.callerIdName, number: originator.callerIdNumber };
  return {
    name: originator.calleeIdName ?? originator.callerIdName,
    number: originator.calleeIdNumber ?? originator.callerIdNumber,
  };
}

/** Swaps caller and callee ids (the flip a loopback A-leg or a bridging A-leg goes through). */
export function swapCallerCallee(p: CallerProfile): void {
  const name = p.callerIdName;
  const number = p.callerIdNumber;
  p.callerIdName = p.calleeIdName ?? '';
  p.callerIdNumber = p.calleeIdNumber ?? '';
  p.calleeIdName = name;
  p.calleeIdNumber = number;
}
