// Live channels of one FreeSWITCH node, grouped into calls and indexed by user, kept current by
// CHANNEL_* events (the reducer is channel-events.ts). Like the conference reducer it mutates the
// state it is given, costs O(legs) per event, keeps only the fields the readers need (a tracked
// channel is a dozen small fields, never a header map) and never throws.
//
// A leg is `held` while FreeSWITCH reports its call state HELD (CHANNEL_HOLD, and every later event
// until CHANNEL_UNHOLD says UNHELD), so hold is taken as an absolute value from each event.
//
// Legs join a call when they are created by another leg (originate pairs: `Other-Type: originator`
// + `Other-Leg-Unique-ID`, or `variable_originator`), when they are the two halves of one loopback
// channel (`variable_other_loopback_leg_uuid`: `loopback/x-a` and `loopback/x-b` are one hop, not two
// calls) and when CHANNEL_BRIDGE joins two legs that were separate calls. A channel leaves on
// CHANNEL_DESTROY, or on CHANNEL_HANGUP_COMPLETE when the state is told DESTROY is not subscribed
// (`removeOn: 'hangup-complete'`). CHANNEL_DATA (a `uuid_dump` taken at resync) updates a known leg.
//
// FreeSWITCH "flips" the caller profile of a leg it originated once that leg is answered and runs
// something (Caller-Caller-ID becomes the leg's own number, Caller-Destination-Number the extension it
// runs), and reports the flip only with the leg's next event (often its hang-up). So a leg keeps
// what it was created with: `origCallerId*` (Caller-Orig-Caller-ID-*, `initial_cid_*` in a
// snapshot), and the daemon's own legs carry what they were placed for (`fsconfd_user`,
// `fsconfd_target`, see domain/click-to-call.ts).

import type { ChannelInit, ChannelPhase, LoopbackHalf } from './channel-init.js';
import { channelUser } from './channel-user.js';
import type { ChannelFacts } from './channel-user.js';
import { detach, keep, keepOptional } from './event-fields.js';

export type { ChannelInit, ChannelPhase, LoopbackHalf } from './channel-init.js';

export interface Channel {
  uuid: string;
  name: string;
  direction: 'inbound' | 'outbound';
  /** The user this leg belongs to (rule in channel-user.ts). */
  user: string | undefined;
  /** True when `user` comes from FreeSWITCH's directory (user/ dial, presence, authenticated). */
  directoryUser: boolean;
  callerIdNumber: string;
  callerIdName: string;
  /** Caller-Destination-Number: what this leg dialed (inbound) or was dialed as (outbound). */
  destination: string;
  /** The caller ID the leg was created with (what a rung phone displays); never flipped. */
  origCallerIdNumber: string;
  origCallerIdName: string;
  /** `fsconfd_user`: the user the daemon placed this leg for (the daemon's own legs only). */
  placedBy: string | undefined;
  /** `fsconfd_target`: what the daemon's click-to-call dials once this leg answers. */
  target: string | undefined;
  /** Which half of a loopback channel this leg is, and the other half's uuid. */
  loopback: LoopbackHalf | undefined;
  /** Epoch ms. */
  createdAt: number;
  answeredAt: number | undefined;
  phase: ChannelPhase;
  /** On hold (uuid_hold, or the phone's own hold button): Channel-Call-State HELD. */
  held: boolean;
  call: Call;
}

export interface Call {
  /** The uuid of the leg that started the call. */
  id: string;
  /** In join order. */
  legs: Channel[];
  /** Users of the legs (the index keys this call is filed under). */
  users: string[];
  /** Whether the origin ever had a peer (see peersOf): a call that bridged stays one after its B-leg left. */
  hadPeers: boolean;
}

export interface CallStateOptions {
  /** Which event removes a channel; 'hangup-complete' when CHANNEL_DESTROY is not subscribed. */
  removeOn?: 'destroy' | 'hangup-complete';
}

export interface CallState {
  readonly channels: Map<string, Channel>;
  readonly calls: Map<string, Call>;
  /** user → calls with a leg of that user; maintained on every change, never rebuilt on read. */
  readonly byUser: Map<string, Set<Call>>;
  readonly removeOn: 'destroy' | 'hangup-complete';
}

export function createCallState(options: CallStateOptions = {}): CallState {
  return {
    channels: new Map(),
    calls: new Map(),
    byUser: new Map(),
    removeOn: options.removeOn ?? 'destroy',
  };
}

export function callsForUser(state: CallState, user: string): Call[] {
  const calls = state.byUser.get(user);
  return calls === undefined ? [] : [...calls];
}

/** Adds a channel or updates the one with that uuid; returns it. */
/** Adds or updates a channel from what an event or snapshot row says (noting the calls it touched). */
export function upsertChannel(state: CallState, init: ChannelInit, touched?: Touched): Channel {
  return upsert(state, init, touched);
}

/**
 * The ids of the calls one event touched, kept while the event is applied (a few at most: the leg's
 * call, a call merged into it). Undefined where nobody asks (snapshot building).
 */
export type Touched = string[] | undefined;

export function touch(touched: Touched, callId: string): void {
  if (touched !== undefined && !touched.includes(callId)) touched.push(callId);
}

function upsert(state: CallState, init: ChannelInit, touched: Touched): Channel {
  const existing = state.channels.get(init.uuid);
  if (existing !== undefined) {
    updateChannel(state, existing, init, touched);
    return existing;
  }
  const uuid = detach(init.uuid);
  // A leg whose partner is not known yet (snapshot rows come in any order) files the call under the
  // partner's uuid, so the partner finds it when it arrives.
  const joins = init.joins === undefined || init.joins === init.uuid ? undefined : init.joins;
  const call =
    (joins === undefined ? undefined : findCall(state, joins)) ??
    findCall(state, uuid) ??
    newCall(state, joins === undefined ? uuid : detach(joins));
  const callerIdNumber = detach(init.callerIdNumber ?? '');
  const callerIdName = detach(init.callerIdName ?? '');
  const channel: Channel = {
    uuid,
    name: detach(init.name ?? ''),
    direction: init.direction === 'inbound' ? 'inbound' : 'outbound',
    user: undefined,
    directoryUser: false,
    callerIdNumber,
    callerIdName,
    destination: detach(init.destination ?? ''),
    // usually the same as the current caller ID: share the string
    origCallerIdNumber: keep(callerIdNumber, init.origCallerIdNumber ?? ''),
    origCallerIdName: keep(callerIdName, init.origCallerIdName ?? ''),
    placedBy: init.placedBy === undefined ? undefined : detach(init.placedBy),
    target: init.target === undefined ? undefined : detach(init.target),
    loopback: loopbackOf(init.loopback),
    createdAt: init.createdAt,
    answeredAt: init.answeredAt,
    phase: init.phase ?? 'ringing',
    held: init.held ?? false,
    call,
  };
  setUser(channel, init.facts);
  state.channels.set(uuid, channel);
  call.legs.push(channel);
  syncUsers(state, call);
  joinLoopbackHalves(state, channel, touched);
  return channel;
}

function loopbackOf(init: LoopbackHalf | undefined): LoopbackHalf | undefined {
  if (init === undefined) return undefined;
  return { half: init.half, other: init.other === undefined ? undefined : detach(init.other) };
}

/** The two halves of a loopback channel are one call, filed under the `-a` half's call. */
function joinLoopbackHalves(state: CallState, channel: Channel, touched: Touched): void {
  const other = channel.loopback?.other;
  if (other === undefined) return;
  const partner = state.channels.get(other);
  if (partner === undefined || partner.call === channel.call) return;
  // The partner is the other half even if nothing said so yet (a snapshot row before its dump).
  partner.loopback ??= { half: channel.loopback?.half === 'A' ? 'B' : 'A', other: channel.uuid };
  if (channel.loopback?.half === 'B') merge(state, other, channel.uuid, touched);
  else merge(state, channel.uuid, other, touched);
}

/** Removes a channel (and its call when it was the last leg); returns false when it was unknown. */
export function removeChannel(state: CallState, uuid: string): boolean {
  const channel = state.channels.get(uuid);
  if (channel === undefined) return false;
  state.channels.delete(uuid);
  const call = channel.call;
  call.legs = call.legs.filter((leg) => leg !== channel);
  if (call.legs.length === 0) {
    state.calls.delete(call.id);
    for (const user of call.users) unindex(state, user, call);
    call.users = [];
  } else {
    syncUsers(state, call);
  }
  return true;
}

/** Puts two legs in one call (CHANNEL_BRIDGE); returns true when calls were merged. */
export function joinLegs(state: CallState, aUuid: string, bUuid: string): boolean {
  return merge(state, aUuid, bUuid, undefined);
}

/** joinLegs, noting both calls as touched: `b`'s call ends, its legs move into `a`'s. */
export function merge(state: CallState, aUuid: string, bUuid: string, touched: Touched): boolean {
  const a = state.channels.get(aUuid);
  const b = state.channels.get(bUuid);
  if (a === undefined || b === undefined || a.call === b.call) return false;
  const into = a.call;
  const from = b.call;
  touch(touched, into.id);
  touch(touched, from.id);
  for (const leg of from.legs) {
    leg.call = into;
    into.legs.push(leg);
  }
  state.calls.delete(from.id);
  for (const user of from.users) unindex(state, user, from);
  from.legs = [];
  from.users = [];
  syncUsers(state, into);
  return true;
}

/** Updates a known channel from an event (a leg whose call changes notes both calls as touched). */
export function updateChannel(state: CallState, channel: Channel, init: ChannelInit, touched: Touched): void {
  channel.name = keep(channel.name, init.name);
  channel.callerIdNumber = keep(channel.callerIdNumber, init.callerIdNumber);
  channel.callerIdName = keep(channel.callerIdName, init.callerIdName);
  channel.destination = keep(channel.destination, init.destination);
  channel.origCallerIdNumber = keep(channel.origCallerIdNumber, init.origCallerIdNumber);
  channel.origCallerIdName = keep(channel.origCallerIdName, init.origCallerIdName);
  channel.placedBy = keepOptional(channel.placedBy, init.placedBy);
  channel.target = keepOptional(channel.target, init.target);
  if (channel.loopback === undefined && init.loopback !== undefined)
    channel.loopback = loopbackOf(init.loopback);
  if (init.answeredAt !== undefined) channel.answeredAt = init.answeredAt;
  if (init.phase !== undefined) channel.phase = init.phase;
  if (init.held !== undefined) channel.held = init.held;
  if (channel.createdAt === 0 && init.createdAt > 0) channel.createdAt = init.createdAt;
  if (!channel.directoryUser && setUser(channel, init.facts)) syncUsers(state, channel.call);
  // A leg first seen in a snapshot row learns its originator from a later event or dump.
  if (init.joins !== undefined && init.joins !== channel.uuid)
    merge(state, init.joins, channel.uuid, touched);
  joinLoopbackHalves(state, channel, touched);
}

/** Derives the leg's user until directory evidence is found; returns true when it changed. */
function setUser(channel: Channel, facts: ChannelFacts): boolean {
  const found = channelUser(facts);
  if (found === undefined || (found.user === channel.user && found.directory === channel.directoryUser))
    return false;
  channel.user = found.user === channel.user ? channel.user : detach(found.user);
  channel.directoryUser = found.directory;
  return true;
}

function findCall(state: CallState, uuid: string): Call | undefined {
  return state.channels.get(uuid)?.call ?? state.calls.get(uuid);
}

function newCall(state: CallState, callId: string): Call {
  const call: Call = { id: callId, legs: [], users: [], hadPeers: false };
  state.calls.set(callId, call);
  return call;
}

/** The leg that started the call: the one whose uuid is the call's id (else the oldest). */
export function originOf(call: Call): Channel | undefined {
  return call.legs.find((leg) => leg.uuid === call.id) ?? call.legs[0];
}

/**
 * The legs the origin called or was bridged to. A loopback channel's inner `-b` half is no peer: with
 * its `-a` half it is one hop (the `-a` half stands for both).
 */
export function peersOf(call: Call): Channel[] {
  const origin = originOf(call);
  return call.legs.filter((leg) => leg !== origin && !isInnerHalf(call, leg));
}

function isInnerHalf(call: Call, leg: Channel): boolean {
  const other = leg.loopback?.half === 'B' ? leg.loopback.other : undefined;
  return other !== undefined && call.legs.some((l) => l.uuid === other);
}

/** Re-files the call under the users of its current legs. */
function syncUsers(state: CallState, call: Call): void {
  if (!call.hadPeers && call.legs.length > 1 && peersOf(call).length > 0) call.hadPeers = true;
  const users: string[] = [];
  for (const leg of call.legs) if (leg.user !== undefined && !users.includes(leg.user)) users.push(leg.user);
  for (const user of call.users) if (!users.includes(user)) unindex(state, user, call);
  for (const user of users) {
    if (call.users.includes(user)) continue;
    let calls = state.byUser.get(user);
    if (calls === undefined) state.byUser.set(user, (calls = new Set()));
    calls.add(call);
  }
  call.users = users;
}

function unindex(state: CallState, user: string, call: Call): void {
  const calls = state.byUser.get(user);
  if (calls === undefined) return;
  calls.delete(call);
  if (calls.size === 0) state.byUser.delete(user);
}
