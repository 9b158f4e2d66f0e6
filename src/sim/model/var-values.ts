// What each channel variable holds, computed from the leg's state when FreeSWITCH would set it.
// The recipes (var-recipes.ts) decide which variables are set when, and in what order.
import { formatEventDateLocal } from '../event-builder.js';
import type { Channel } from './channel.js';
import { dialVarOf, legMeta } from './legs.js';
import { originatorCodec, sipVarValue } from './var-sip-values.js';
import type { ValueEnv } from './var-types.js';

/** Q.850 cause codes of the hangup causes the model uses. */
export const Q850: Record<string, number> = {
  NORMAL_CLEARING: 16,
  USER_BUSY: 17,
  NO_USER_RESPONSE: 18,
  NO_ANSWER: 19,
  SUBSCRIBER_ABSENT: 20,
  CALL_REJECTED: 21,
  NO_ROUTE_DESTINATION: 3,
  DESTINATION_OUT_OF_ORDER: 27,
  NORMAL_TEMPORARY_FAILURE: 41,
  CHAN_NOT_IMPLEMENTED: 66,
  ORIGINATOR_CANCEL: 487,
  SYSTEM_SHUTDOWN: 503,
  MANAGER_REQUEST: 500,
  USER_NOT_REGISTERED: 606,
};

/** The SIP status a hangup cause is sent or received as. */
const SIP_STATUS: Record<string, [number, string]> = {
  NORMAL_CLEARING: [200, 'OK'],
  USER_BUSY: [486, 'Busy Here'],
  NO_ANSWER: [487, 'CANCEL'],
  NORMAL_TEMPORARY_FAILURE: [503, 'Service Unavailable'],
};

/** DIALSTATUS, Asterisk style, for an originate cause. */
const DIALSTATUS: Record<string, string> = {
  USER_BUSY: 'BUSY',
  NO_ANSWER: 'NOANSWER',
  NO_USER_RESPONSE: 'NOANSWER',
  ORIGINATOR_CANCEL: 'CANCEL',
};

const secs = (us: number): number => Math.floor(us / 1e6);
const msecs = (us: number): number => Math.floor(us / 1e3);

function cdr(ch: Channel, name: string, env: ValueEnv): string | undefined {
  const t = ch.profile.times;
  const end = t.hangup || env.now;
  const stamp = (us: number): string | undefined => (us ? formatEventDateLocal(us) : undefined);
  switch (name) {
    case 'start_stamp':
    case 'profile_start_stamp':
      return stamp(name === 'start_stamp' ? t.channelCreated : t.profileCreated);
    case 'answer_stamp':
      return stamp(t.answered);
    case 'bridge_stamp':
      return stamp(t.bridged);
    case 'progress_stamp':
      return stamp(t.progress);
    case 'progress_media_stamp':
      return stamp(t.progressMedia);
    case 'end_stamp':
      return stamp(end);
  }
  const epochs: Record<string, number> = {
    start: t.channelCreated,
    profile_start: t.profileCreated,
    answer: t.answered,
    bridge: t.bridged,
    last_hold: t.lastHold,
    resurrect: t.resurrect,
    progress: t.progress,
    progress_media: t.progressMedia,
    end,
  };
  const m = /^(.*)_(u?)epoch$/.exec(name);
  if (m && m[1]! in epochs) {
    const us = epochs[m[1]!]!;
    return m[2] ? String(us) : String(secs(us));
  }
  if (name === 'hold_accum_seconds' || name === 'hold_accum_usec' || name === 'hold_accum_ms') return '0';
  const spans: Record<string, [number, number]> = {
    duration: [t.channelCreated, end],
    bill: [t.answered, t.answered ? end : 0],
    progress: [t.channelCreated, t.progress],
    answer: [t.channelCreated, t.answered],
    wait: [t.channelCreated, t.bridged],
    progress_media: [t.channelCreated, t.progressMedia],
    flow_bill: [t.channelCreated, end],
  };
  // duration / mduration / uduration, and <span>sec / <span>msec / <span>usec
  const m2 =
    /^(m|u)?duration$/.exec(name) ??
    /^(bill|progress_media|progress|answer|wait|flow_bill)(m|u)?sec$/.exec(name);
  if (!m2) return undefined;
  const base = name.endsWith('duration') ? 'duration' : m2[1]!;
  const unit = name.endsWith('duration') ? m2[1] : m2[2];
  const [from, to] = spans[base]!;
  if (!to || !from) return '0';
  if (unit === 'u') return String(to - from);
  return String(unit === 'm' ? msecs(to) - msecs(from) : secs(to) - secs(from));
}

/** The value of `name` on `ch` now, or undefined when FreeSWITCH would not set it. */
export function varValue(name: string, ch: Channel, env: ValueEnv): string | undefined {
  const meta = legMeta(ch);
  const p = ch.profile;
  const peer = ch.facts.bridgePeer;
  const originator = meta.originator;
  const lastApp = ch.facts.apps[ch.facts.apps.length - 1];
  const cause = ch.hangupCause ?? 'NORMAL_CLEARING';
  const [status, phrase] = SIP_STATUS[cause] ?? [480, 'Temporarily Unavailable'];
  const fromCdr = cdr(ch, name, env);
  if (fromCdr !== undefined) return fromCdr;
  const dialVar = dialVarOf(ch, name);
  if (dialVar !== undefined) return dialVar;
  const userVar = meta.dialedUser?.variables.find(([k]) => k === name)?.[1];
  if (userVar !== undefined) return userVar;
  switch (name) {
    case 'direction':
      return ch.direction;
    case 'is_outbound':
      return 'true';
    case 'uuid':
      return ch.uuid;
    case 'call_uuid':
      return ch.callUuid;
    case 'session_id':
      return String(ch.sessionId);
    case 'channel_name':
      return ch.name;
    case 'dialed_user':
      return meta.dialedUser?.user;
    case 'dialed_domain':
    case 'sip_invite_domain':
      return meta.dialedUser?.domain;
    case 'presence_id':
      return ch.presenceId;
    case 'originate_early_media':
      return dialVarOf(ch, 'ignore_early_media') === 'true' ||
        (originator && dialVarOf(originator, 'ignore_early_media') === 'true')
        ? 'false'
        : 'true';
    case 'originate_endpoint':
      // a user/ leg reads `sofia` until the user endpoint finishes, then `user`
      return meta.dialedUser && ch.vars.has('originate_endpoint') ? 'user' : ch.endpoint;
    case 'ignore_early_media':
      return originator ? dialVarOf(originator, 'ignore_early_media') : undefined;
    case 'originator_codec':
      return originator ? originatorCodec(originator) : 'PCMU@8000h@20i';
    case 'originator':
    case 'originating_leg_uuid':
    case 'loopback_from_uuid':
    case 'other_loopback_from_uuid':
      return (
        (originator ?? ch.loopbackPeer?.facts.bridgePeer)?.uuid ??
        legMeta(ch.loopbackPeer ?? ch).originator?.uuid
      );
    case 'other_loopback_leg_uuid':
      return ch.loopbackPeer?.uuid;
    case 'loopback_leg':
      return meta.role === 'loop-a' ? 'A' : 'B';
    case 'is_loopback':
      return '1';
    case 'endpoint_disposition':
      return ch.answerState === 'answered' || ch.hungUp
        ? 'ANSWER'
        : ch.answerState === 'early'
          ? 'EARLY MEDIA'
          : 'DELAYED NEGOTIATION';
    case 'current_application':
      return lastApp?.app;
    case 'current_application_data':
      return lastApp?.data;
    case 'last_app':
      return lastApp?.app;
    case 'last_arg':
      return lastApp?.data;
    case 'pre_transfer_caller_id_name':
      return ch.facts.preFlip?.name;
    case 'pre_transfer_caller_id_number':
      return ch.facts.preFlip?.number;
    case 'channel_cid_flipped':
      return 'yes';
    case 'transfer_history':
    case 'transfer_source':
      return p.transferSource;
    case 'originated_legs': {
      const leg = ch.facts.originated?.leg;
      return leg && `${leg.uuid};${leg.profile.calleeIdName ?? ''};${leg.profile.calleeIdNumber ?? ''}`;
    }
    case 'originate_causes': {
      const o = ch.facts.originated;
      return o && `${o.leg.uuid};${o.cause === 'SUCCESS' ? 'NONE' : o.cause}`;
    }
    case 'originate_disposition':
      return ch.facts.originated?.cause;
    case 'DIALSTATUS': {
      const c = ch.facts.originated?.cause;
      return c && (DIALSTATUS[c] ?? c);
    }
    case 'originate_failed_cause':
      return ch.facts.originated?.cause;
    case 'originate_signal_bond':
      return ch.facts.originated?.leg.uuid;
    case 'sip_invite_failure_status':
      return String(status);
    case 'sip_invite_failure_phrase':
      return phrase;
    case 'sip_hangup_phrase':
      return SIP_STATUS[ch.facts.originated?.cause ?? peer?.hangupCause ?? 'NORMAL_CLEARING']?.[1] ?? 'OK';
    case 'bridge_to':
    case 'last_bridge_to':
    case 'bridge_uuid':
    case 'signal_bond':
      return (peer ?? ch.facts.originated?.leg ?? originator)?.uuid;
    case 'bridge_channel':
      return peer?.name;
    case 'last_sent_callee_id_name':
      return ch.other?.type === 'originator' ? p.callerIdName : p.calleeIdName;
    case 'last_sent_callee_id_number':
      return ch.other?.type === 'originator' ? p.callerIdNumber : p.calleeIdNumber;
    case 'last_bridge_role':
      return ch.other?.type === 'originator' ? 'originatee' : 'originator';
    case 'last_bridge_hangup_cause':
    case 'bridge_hangup_cause':
      return (peer?.hangupCause ?? ch.facts.originated?.cause ?? cause) || 'NORMAL_CLEARING';
    case 'last_bridge_proto_specific_hangup_cause': {
      const c =
        ch.facts.originated && ch.facts.originated.cause !== 'SUCCESS'
          ? ch.facts.originated.cause
          : 'NORMAL_CLEARING';
      return `sip:${SIP_STATUS[c]?.[0] ?? 200}`;
    }
    case 'sip_term_status':
      return String(status);
    case 'proto_specific_hangup_cause':
      return `sip:${status}`;
    case 'sip_term_cause':
      return String(Q850[cause] ?? 16);
    case 'sip_hangup_disposition':
      return ch.facts.ending === 'unreachable' ? 'recv_refuse' : (ch.facts.ending ?? 'send_bye');
    case 'hangup_cause':
      return cause;
    case 'hangup_cause_q850':
      return String(Q850[cause] ?? 16);
    case 'digits_dialed':
      return 'none';
    case 'caller_id':
      return p.callerIdName ? `"${p.callerIdName}" <${p.callerIdNumber}>` : p.callerIdNumber;
    case 'playback_last_offset_pos':
    case 'playback_samples':
    case 'playback_ms':
    case 'playback_seconds': {
      const pb = ch.facts.playback;
      if (!pb) return undefined;
      const played = Math.min(pb.lengthMs ?? Infinity, Math.round((env.now - pb.startedAt) / 1000));
      if (name === 'playback_ms') return String(played);
      if (name === 'playback_seconds') return String(Math.floor(played / 1000));
      return String(played * 8);
    }
    case 'current_application_response':
      return 'PLAYBACK ERROR';
    case 'DP_MATCH': {
      const m = meta.dpMatch ?? p.destinationNumber;
      return `ARRAY::${m}|:${m}`;
    }
    case 'RFC2822_DATE': {
      const d = new Date(Math.floor(p.times.channelCreated / 1000));
      return d
        .toUTCString()
        .replace(/GMT$/, '+0000')
        .replace(/^(\w+), 0?(\d+)/, '$1, $2');
    }
    case 'export_vars':
      return 'RFC2822_DATE';
  }
  return sipVarValue(name, ch, env);
}
