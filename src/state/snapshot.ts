// Pure parsers of FreeSWITCH's own listings into the same state shapes the reducers keep, so a
// resync can rebuild a node from `show channels as json` and `conference xml_list` and then replay
// the events that arrived meanwhile. Formats as recorded in ../shared/fs-transcripts/api-responses.txt.
// Hostile input never throws: a body that is not the expected document is an error result, a row
// or member without an id is skipped.

import { XMLParser } from 'fast-xml-parser';
import { safeUrlDecode } from '../esl/events.js';
import { upsertChannel, createCallState } from './calls.js';
import type { CallState, CallStateOptions, ChannelPhase } from './calls.js';
import { memberUser } from './channel-user.js';
import type { ChannelFacts } from './channel-user.js';
import { MAX_MEMBER_ID, createConferenceState } from './conferences.js';
import { ENERGY_RANGE, VOLUME_RANGE } from './conference-actions.js';
import type { LiveConference, ConferenceState, Member, Recording } from './conferences.js';
import { cleanId, cleanInt, cleanText, detach, secondsToMs } from './event-fields.js';

export type SnapshotResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** One row of `show channels as json`, reduced to what the state keeps. */
export interface ChannelRow {
  uuid: string;
  name: string | undefined;
  direction: string | undefined;
  callerIdName: string | undefined;
  callerIdNumber: string | undefined;
  destination: string | undefined;
  /** Epoch ms, second precision (`created_epoch`). */
  createdAt: number;
  phase: ChannelPhase;
  /** `callstate` HELD: the leg is on hold. */
  held: boolean;
  /** `call_uuid`: the leg whose call this channel is part of ('' for a leg of its own). */
  callUuid: string | undefined;
  presenceId: string | undefined;
  /** `initial_cid_*`: the caller ID the channel was created with (before FreeSWITCH flips it). */
  initialCallerIdName: string | undefined;
  initialCallerIdNumber: string | undefined;
}

export function parseShowChannelsJson(body: string): SnapshotResult<ChannelRow[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, error: 'show channels reply is not JSON' };
  }
  if (!isObject(parsed) || cleanInt(parsed['row_count'], 0, Number.MAX_SAFE_INTEGER) === undefined)
    return { ok: false, error: 'show channels reply has no row_count' };
  const rawRows = parsed['rows'] ?? [];
  if (!Array.isArray(rawRows)) return { ok: false, error: 'show channels rows is not a list' };
  const rows: ChannelRow[] = [];
  for (const raw of rawRows) {
    if (!isObject(raw)) continue;
    const uuid = cleanId(raw['uuid']);
    if (uuid === undefined) continue;
    rows.push({
      uuid,
      name: cleanText(raw['name']),
      direction: cleanText(raw['direction']),
      callerIdName: cleanText(raw['cid_name']),
      callerIdNumber: cleanText(raw['cid_num']),
      destination: cleanText(raw['dest']),
      createdAt: secondsToMs(raw['created_epoch']) ?? 0,
      phase: phaseOfCallstate(raw['callstate']),
      held: raw['callstate'] === 'HELD',
      callUuid: cleanId(raw['call_uuid']),
      presenceId: cleanText(raw['presence_id']),
      initialCallerIdName: cleanText(raw['initial_cid_name']),
      initialCallerIdNumber: cleanText(raw['initial_cid_num']),
    });
  }
  return { ok: true, value: rows };
}

/** `callstate` column → the phase the events would have reached. */
function phaseOfCallstate(callstate: unknown): ChannelPhase {
  switch (callstate) {
    case 'ACTIVE':
    case 'HELD':
    case 'UNHELD':
      return 'answered';
    case 'EARLY':
      return 'early';
    case 'HANGUP':
      return 'hangup';
    default:
      return 'ringing'; // DOWN, DIALING, RINGING, RING_WAIT
  }
}

/**
 * Whether a listed channel is read right only with its variables (resync dumps it, see resync.ts):
 * a leg an originate started (outbound, its own call: a click-to-call names its target only in
 * `fsconfd_target`; a conference dial-out), and a loopback `-a` half (only its variables name the
 * `-b` half). Inbound calls and bridged B-legs (whose `call_uuid` is their A-leg's) read right from
 * the listing.
 */
export function needsVariables(row: ChannelRow): boolean {
  if (row.name !== undefined && /^loopback\/.*-a$/.test(row.name)) return true;
  return row.direction === 'outbound' && (row.callUuid === undefined || row.callUuid === row.uuid);
}

export function channelFacts(row: ChannelRow): ChannelFacts {
  return { direction: row.direction, channelName: row.name, presenceId: row.presenceId };
}

/** A call state holding exactly the listed channels, legs grouped by `call_uuid`. */
export function callStateFromChannels(
  rows: readonly ChannelRow[],
  options: CallStateOptions = {},
): CallState {
  const state = createCallState(options);
  for (const row of rows) {
    upsertChannel(state, {
      uuid: row.uuid,
      name: row.name,
      direction: row.direction,
      facts: channelFacts(row),
      callerIdNumber: row.callerIdNumber,
      callerIdName: row.callerIdName,
      destination: row.destination,
      origCallerIdNumber: row.initialCallerIdNumber,
      origCallerIdName: row.initialCallerIdName,
      createdAt: row.createdAt,
      phase: row.phase,
      held: row.held,
      joins: row.callUuid,
    });
  }
  return state;
}

export interface XmlListOptions {
  /** Epoch ms the reply was received: `run_time` and `join_time` are seconds before it. */
  now: number;
  /** Channel facts by uuid (from the same resync's `show channels`) for the members' users. */
  channel?: (uuid: string) => ChannelFacts | undefined;
}

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (tagName) => tagName === 'conference' || tagName === 'member',
});

/** `conference xml_list` (all conferences, or one) → conference state. */
export function parseConferenceXmlList(
  body: string,
  options: XmlListOptions,
): SnapshotResult<ConferenceState> {
  let doc: unknown;
  try {
    doc = xmlParser.parse(body);
  } catch {
    return { ok: false, error: 'conference xml_list reply is not XML' };
  }
  if (!isObject(doc) || !('conferences' in doc)) return { ok: false, error: 'no <conferences> element' };
  const state = createConferenceState();
  const root = doc['conferences'];
  const list = isObject(root) && Array.isArray(root['conference']) ? root['conference'] : [];
  for (const raw of list) {
    const conference = conferenceOf(raw, options);
    if (conference !== undefined) state.conferences.set(conference.name, conference);
  }
  return { ok: true, value: state };
}

function conferenceOf(raw: unknown, options: XmlListOptions): LiveConference | undefined {
  if (!isObject(raw)) return undefined;
  const name = cleanText(raw['@_name']);
  if (name === undefined) return undefined;
  const runTime = cleanInt(raw['@_run_time'], 0, 10 * 365 * 86_400) ?? 0;
  const conference: LiveConference = {
    name: detach(name),
    uuid: detach(cleanId(raw['@_uuid']) ?? ''),
    locked: raw['@_locked'] === 'true',
    recordings: [],
    members: new Map(),
    createdAt: options.now - runTime * 1000,
  };
  const membersElement = raw['members'];
  const members =
    isObject(membersElement) && Array.isArray(membersElement['member']) ? membersElement['member'] : [];
  for (const rawMember of members) {
    if (!isObject(rawMember)) continue;
    if (rawMember['@_type'] === 'recording_node') {
      const recording = recordingOf(rawMember);
      if (recording !== undefined) conference.recordings.push(recording);
      continue;
    }
    const member = memberOf(rawMember, options);
    if (member !== undefined) conference.members.set(member.id, member);
  }
  return conference;
}

function memberOf(raw: Record<string, unknown>, options: XmlListOptions): Member | undefined {
  const memberId = cleanInt(raw['id'], 1, MAX_MEMBER_ID);
  if (memberId === undefined) return undefined;
  const uuid = cleanId(raw['uuid']) ?? '';
  const flags = isObject(raw['flags']) ? raw['flags'] : {};
  const facts = (uuid === '' ? undefined : options.channel?.(uuid)) ?? {
    direction: undefined,
    channelName: undefined,
    presenceId: undefined,
  };
  // add_x_tag() url-encodes the caller ID values.
  const callerIdNumber = cleanText(decoded(raw['caller_id_number'])) ?? '';
  const user = memberUser(facts, callerIdNumber);
  const joinSeconds = cleanInt(raw['join_time'], 0, 10 * 365 * 86_400) ?? 0;
  return {
    id: memberId,
    uuid: detach(uuid),
    channelName: detach(facts.channelName ?? ''),
    callerIdNumber: detach(callerIdNumber),
    callerIdName: detach(cleanText(decoded(raw['caller_id_name'])) ?? ''),
    user: user === undefined ? undefined : detach(user),
    canHear: flags['can_hear'] !== 'false',
    canSpeak: flags['can_speak'] !== 'false',
    talking: flags['talking'] === 'true',
    floor: flags['has_floor'] === 'true',
    moderator: flags['is_moderator'] === 'true',
    muteDetect: flags['mute_detect'] === 'true',
    volumeIn: cleanInt(raw['volume_in'], ...VOLUME_RANGE) ?? 0,
    volumeOut: cleanInt(raw['volume_out'], ...VOLUME_RANGE) ?? 0,
    energyLevel: cleanInt(raw['energy'], ...ENERGY_RANGE) ?? 0,
    joinedAt: options.now - joinSeconds * 1000,
  };
}

function recordingOf(raw: Record<string, unknown>): Recording | undefined {
  const pathElement = raw['record_path'];
  const path = cleanText(isObject(pathElement) ? pathElement['#text'] : pathElement, 1024);
  if (path === undefined) return undefined;
  const joinElement = raw['join_time'];
  const started = cleanInt(isObject(joinElement) ? joinElement['#text'] : joinElement, 1, 7_258_118_400);
  return {
    path: detach(path),
    startedAt: started === undefined ? 0 : started * 1000,
    paused: isObject(pathElement) && pathElement['@_status'] === 'paused',
  };
}

function decoded(value: unknown): string | undefined {
  return typeof value === 'string' ? safeUrlDecode(value) : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
