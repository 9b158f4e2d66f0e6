// Which channel variables FreeSWITCH sets at each moment of a leg's life, in the order it sets them.
// The lists are copied from the real transcripts (calls-plain/json); the values come from
// var-values.ts. A variable set again moves to the end of the list (VarList), so replaying these sets in
// order reproduces FreeSWITCH's `variable_*` header order event by event.
import type { Channel } from './channel.js';
import type { SimContext } from './context.js';
import { legMeta } from './legs.js';
import type { ValueEnv, VarOp } from './var-types.js';
import { varValue } from './var-values.js';
import { CDR_MID, CDR_TAIL, SDP_INBOUND, SIP_REQUEST_TAIL } from './var-lists.js';

export type VarStep =
  | 'create'
  | 'progress'
  | 'progress_media'
  | 'answer'
  | 'bridge'
  | 'unbridge'
  | 'hangup'
  | 'hangup_complete'
  | 'destroy';

/** The CDR variables switch_channel_set_timestamps writes when a leg is hung up. */
export function cdrVars(ch: Channel): string[] {
  const t = ch.profile.times;
  const out = ['hangup_cause', 'hangup_cause_q850', 'digits_dialed', 'start_stamp', 'profile_start_stamp'];
  if (t.answered) out.push('answer_stamp');
  if (t.bridged) out.push('bridge_stamp');
  if (t.progress) out.push('progress_stamp');
  if (t.progressMedia) out.push('progress_media_stamp');
  out.push(...CDR_MID);
  const last = ch.facts.apps[ch.facts.apps.length - 1];
  if (last) out.push('last_app');
  if (last?.data) out.push('last_arg');
  out.push(...CDR_TAIL);
  return out;
}

/** Applies a recipe to a channel, computing each value at the moment it is set. */
export function setVars(ctx: SimContext, ch: Channel, ops: readonly VarOp[]): void {
  const env: ValueEnv = {
    now: ctx.now(),
    localIp: ctx.domain,
    domain: ctx.domain,
    codecPrefs: ctx.codecPrefs,
  };
  for (const op of ops) {
    if (typeof op === 'string') {
      const value = varValue(op, ch, env);
      if (value !== undefined) ch.vars.set(op, value);
    } else if (Array.isArray(op)) ch.vars.set(op[0], op[1]);
    else ch.vars.delete(op.del);
  }
}

/** The `{...}` variables of a leg, in the order given. */
export function dialVarOps(ch: Channel): VarOp[] {
  return legMeta(ch).dialVars.map(([k, v]): VarOp => [k, v]);
}

/** Directory variables of a `user/...` leg. */
export function userVarOps(ch: Channel): VarOp[] {
  return (legMeta(ch).dialedUser?.variables ?? []).map(([k, v]): VarOp => [k, v]);
}

// ---------- creation ----------

export function createVars(ch: Channel): VarOp[] {
  const meta = legMeta(ch);
  const user = meta.dialedUser !== undefined;
  const originator = meta.originator;
  if (meta.role === 'inbound') return inboundCreate(ch);
  if (meta.role === 'loop-b')
    return [
      'direction',
      'uuid',
      'call_uuid',
      'session_id',
      'channel_name',
      'read_codec',
      'read_rate',
      'write_codec',
      'write_rate',
      ...dialVarOps(ch.loopbackPeer!),
      'other_loopback_leg_uuid',
      'other_loopback_from_uuid',
      'loopback_leg',
    ];
  if (meta.role === 'loop-a') {
    const ops: VarOp[] = [
      'direction',
      'is_outbound',
      'uuid',
      'session_id',
      'read_codec',
      'read_rate',
      'write_codec',
      'write_rate',
    ];
    if (originator) ops.push('loopback_from_uuid');
    ops.push('channel_name');
    if (legMeta(ch).dialVars.some(([k]) => k === 'origination_uuid')) ops.push('uuid');
    if (originator)
      ops.push('max_forwards', 'originator_codec', 'originator', 'signal_bond', 'switch_m_sdp', 'call_uuid');
    ops.push(...dialVarOps(ch), 'originate_early_media');
    if (originator) ops.push('originating_leg_uuid');
    ops.push('originate_endpoint', 'other_loopback_leg_uuid', 'loopback_leg');
    return ops;
  }
  if (!originator)
    return [
      'direction',
      'is_outbound',
      'uuid',
      'call_uuid',
      'session_id',
      'sip_local_network_addr',
      'sip_profile_name',
      ['video_media_flow', 'disabled'],
      ['text_media_flow', 'disabled'],
      'channel_name',
      'sip_destination_url',
      ...dialVarOps(ch),
      ...(user ? ['dialed_user', 'dialed_domain', 'sip_invite_domain', 'presence_id'] : []),
      'originate_early_media',
      'originate_endpoint',
      'rtp_use_codec_string',
      'local_media_ip',
      'local_media_port',
      'advertised_media_ip',
      ['audio_media_flow', 'sendrecv'],
      'rtp_local_sdp_str',
      ...SIP_REQUEST_TAIL,
    ];
  return [
    'direction',
    'is_outbound',
    'uuid',
    'session_id',
    'sip_local_network_addr',
    'sip_profile_name',
    ['text_media_flow', 'disabled'],
    'channel_name',
    'sip_destination_url',
    ...originatedGroup(ch),
    'rtp_use_codec_string',
    'local_media_ip',
    'local_media_port',
    'advertised_media_ip',
    ['audio_media_flow', 'sendrecv'],
    ['video_media_flow', legMeta(ch).originator?.direction === 'inbound' ? 'sendrecv' : 'inactive'],
    'rtp_local_sdp_str',
    ...SIP_REQUEST_TAIL,
  ];
}

/** What a leg originated by another channel inherits (set again when a user/ leg answers). */
export function originatedGroup(ch: Channel): VarOp[] {
  const meta = legMeta(ch);
  const originator = meta.originator!;
  const user = meta.dialedUser !== undefined;
  const inboundOrig = originator.direction === 'inbound';
  const ops: VarOp[] = [
    'max_forwards',
    'originator_codec',
    'originator',
    'signal_bond',
    'switch_m_sdp',
    'call_uuid',
  ];
  if (user) ops.push('dialed_user', 'dialed_domain');
  if (inboundOrig) {
    ops.push(['export_vars', originator.vars.get('export_vars') ?? 'RFC2822_DATE']);
    ops.push(['RFC2822_DATE', originator.vars.get('RFC2822_DATE') ?? '']);
    const ext = originator.vars.get('dialed_extension');
    if (ext) ops.push(['dialed_extension', ext]);
  }
  if (user) ops.push('sip_invite_domain', 'presence_id');
  ops.push(...dialVarOps(ch));
  const ignore = originator.vars.get('ignore_early_media');
  if (ignore && !meta.dialVars.some(([k]) => k === 'ignore_early_media'))
    ops.push(['ignore_early_media', ignore]);
  ops.push('originate_early_media', 'originating_leg_uuid', 'originate_endpoint');
  return ops;
}

/** What the user endpoint sets again on a `user/...` B-leg once it answers. */
export function userLegReset(ch: Channel): VarOp[] {
  return originatedGroup(ch)
    .filter(
      (op) =>
        typeof op !== 'string' ||
        ![
          'signal_bond',
          'switch_m_sdp',
          'call_uuid',
          'dialed_user',
          'dialed_domain',
          'sip_invite_domain',
          'presence_id',
        ].includes(op),
    )
    .map((op): VarOp => (op === 'originator_codec' ? ['originator_codec', 'PCMU@8000h@20i'] : op));
}

function inboundCreate(ch: Channel): VarOp[] {
  return [
    'direction',
    'uuid',
    'call_uuid',
    'session_id',
    'sip_from_user',
    'sip_from_port',
    'sip_from_uri',
    'sip_from_host',
    ['video_media_flow', 'disabled'],
    ['audio_media_flow', 'disabled'],
    ['text_media_flow', 'disabled'],
    'channel_name',
    'sip_call_id',
    'sip_local_network_addr',
    'sip_network_ip',
    'sip_network_port',
    'sip_invite_stamp',
    'sip_received_ip',
    'sip_received_port',
    'sip_via_protocol',
    'sip_from_user_stripped',
    'sip_from_tag',
    'sofia_profile_name',
    'sofia_profile_url',
    'recovery_profile_name',
    'sip_full_via',
    'sip_from_display',
    'sip_full_from',
    ...(legMeta(ch).builtinUac ? ['sip_to_display'] : []),
    'sip_full_to',
    'sip_req_user',
    'sip_req_port',
    'sip_req_uri',
    'sip_req_host',
    'sip_to_user',
    'sip_to_port',
    'sip_to_uri',
    'sip_to_host',
    'sip_contact_user',
    'sip_contact_port',
    'sip_contact_uri',
    'sip_contact_host',
    'rtp_use_codec_string',
    'sip_subject',
    'sip_via_host',
    'sip_via_port',
    'max_forwards',
    'presence_id',
    'switch_r_sdp',
    'ep_codec_string',
    'endpoint_disposition',
  ];
}

// ---------- inbound calls ----------

/** The dialplan match and the variables the vanilla dialplan sets on every call. */
export function inboundRouted(extraExports: string[]): VarOp[] {
  return [
    'DP_MATCH',
    'call_uuid',
    'RFC2822_DATE',
    ...extraExports,
    ['export_vars', ['RFC2822_DATE', ...extraExports].join(',')],
  ];
}

/** Pre-answering an inbound call: our SDP answer (183/200). */
export const INBOUND_MEDIA: VarOp[] = [...SDP_INBOUND];
