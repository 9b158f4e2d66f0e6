// The variable lists FreeSWITCH sets together (a SIP response, the SDP answer, the CDR stamps, the
// RTP statistics, a bridge ...), in its order, copied from the real transcripts (calls-plain/json).
// var-recipes.ts and channel-vars.ts decide when each list applies.
import type { VarOp } from './var-types.js';

export const SIP_REQUEST_TAIL = [
  'sip_outgoing_contact_uri',
  'sip_req_uri',
  'sip_to_host',
  'sip_from_host',
  'sofia_profile_name',
  'recovery_profile_name',
  'sofia_profile_url',
];

/** What a SIP response (180/200/486...) to our INVITE tells us. */
export const SIP_RESPONSE = [
  'sip_local_network_addr',
  'sip_reply_host',
  'sip_reply_port',
  'sip_network_ip',
  'sip_network_port',
  // headers only some phones send (the second lab's sipp scenario)
  'sip_user_agent',
  'sip_allow',
  'sip_recover_contact',
  'sip_full_via',
  'sip_recover_via',
  'sip_from_display',
  'sip_full_from',
  'sip_full_to',
  'sip_from_user',
  'sip_from_uri',
  'sip_from_host',
  'sip_to_params',
  'sip_to_user',
  'sip_to_port',
  'sip_to_uri',
  'sip_to_host',
  'sip_contact_params',
  'sip_contact_user',
  'sip_contact_port',
  'sip_contact_uri',
  'sip_contact_host',
  'sip_to_tag',
  'sip_from_tag',
  'sip_cseq',
  'sip_call_id',
];

export const MEDIA_NEGOTIATED = [
  'rtp_audio_recv_pt',
  'rtp_use_codec_name',
  'rtp_use_codec_rate',
  'rtp_use_codec_ptime',
  'rtp_use_codec_channels',
  'rtp_last_audio_codec_string',
  'read_codec',
  'original_read_codec',
  'read_rate',
  'original_read_rate',
  'write_codec',
  'write_rate',
  'dtmf_type',
  'local_media_ip',
  'local_media_port',
  'advertised_media_ip',
  'rtp_use_timer_name',
  'rtp_use_pt',
  'rtp_use_ssrc',
  'rtp_2833_send_payload',
  'rtp_2833_recv_payload',
  'remote_media_ip',
  'remote_media_port',
];

export const REMOTE_FLOWS = ['remote_video_media_flow', 'remote_text_media_flow', 'remote_audio_media_flow'];

/** The 200 OK's SDP, on a leg we called. */
export const SDP_ANSWER = [
  'switch_r_sdp',
  'ep_codec_string',
  'rtp_use_codec_string',
  ...REMOTE_FLOWS,
  ...MEDIA_NEGOTIATED,
];

/** Our answer to a caller's offer. */
export const SDP_INBOUND = [
  'rtp_use_codec_string',
  ...REMOTE_FLOWS,
  ['audio_media_flow', 'sendrecv'] as VarOp,
  ...MEDIA_NEGOTIATED,
];

/** An inbound call's dialog after our 200 OK is acknowledged. */
export const SIP_DIALOG = [
  'sip_to_tag',
  'sip_from_tag',
  'sip_cseq',
  'sip_call_id',
  'sip_full_via',
  'sip_from_display',
  'sip_full_from',
  'sip_to_display',
  'sip_full_to',
];

export const CDR_MID = [
  'end_stamp',
  'start_epoch',
  'start_uepoch',
  'profile_start_epoch',
  'profile_start_uepoch',
  'answer_epoch',
  'answer_uepoch',
  'bridge_epoch',
  'bridge_uepoch',
  'last_hold_epoch',
  'last_hold_uepoch',
  'hold_accum_seconds',
  'hold_accum_usec',
  'hold_accum_ms',
  'resurrect_epoch',
  'resurrect_uepoch',
  'progress_epoch',
  'progress_uepoch',
  'progress_media_epoch',
  'progress_media_uepoch',
  'end_epoch',
  'end_uepoch',
];

export const CDR_TAIL = [
  'caller_id',
  'duration',
  'billsec',
  'progresssec',
  'answersec',
  'waitsec',
  'progress_mediasec',
  'flow_billsec',
  'mduration',
  'billmsec',
  'progressmsec',
  'answermsec',
  'waitmsec',
  'progress_mediamsec',
  'flow_billmsec',
  'uduration',
  'billusec',
  'progressusec',
  'answerusec',
  'waitusec',
  'progress_mediausec',
  'flow_billusec',
];

/** RTP statistics sofia reports when a leg that had media ends. */
export const RTP_STATS = [
  'rtp_audio_in_raw_bytes',
  'rtp_audio_in_media_bytes',
  'rtp_audio_in_packet_count',
  'rtp_audio_in_media_packet_count',
  'rtp_audio_in_skip_packet_count',
  'rtp_audio_in_jitter_packet_count',
  'rtp_audio_in_dtmf_packet_count',
  'rtp_audio_in_cng_packet_count',
  'rtp_audio_in_flush_packet_count',
  'rtp_audio_in_largest_jb_size',
  'rtp_audio_in_jitter_min_variance',
  'rtp_audio_in_jitter_max_variance',
  'rtp_audio_in_jitter_loss_rate',
  'rtp_audio_in_jitter_burst_rate',
  'rtp_audio_in_mean_interval',
  'rtp_audio_in_flaw_total',
  'rtp_audio_in_quality_percentage',
  'rtp_audio_in_mos',
  'rtp_audio_out_raw_bytes',
  'rtp_audio_out_media_bytes',
  'rtp_audio_out_packet_count',
  'rtp_audio_out_media_packet_count',
  'rtp_audio_out_skip_packet_count',
  'rtp_audio_out_dtmf_packet_count',
  'rtp_audio_out_cng_packet_count',
  'rtp_audio_rtcp_packet_count',
  'rtp_audio_rtcp_octet_count',
];

/** The bridge variables each side sets while bridged. */
export const BRIDGE_VARS = [
  'bridge_to',
  'last_bridge_to',
  'bridge_channel',
  'bridge_uuid',
  'signal_bond',
  'last_sent_callee_id_name',
  'last_sent_callee_id_number',
];

export const SIP_TERM = ['sip_term_status', 'proto_specific_hangup_cause', 'sip_term_cause'];
