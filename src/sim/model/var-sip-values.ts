// The SIP, SDP and RTP variables of a sofia leg, computed from the leg's dialog and media facts (the
// part of var-values.ts that only a SIP channel has).
import type { Channel } from './channel.js';
import { legMeta } from './legs.js';
import { localSdp, remoteSdp } from './sip-session.js';
import type { ValueEnv } from './var-types.js';

export const SOFIA_PROFILE_URL = 'sip:mod_sofia@127.0.0.1:5060';

/** The codec string a leg originated by `originator` is offered. */
export function originatorCodec(originator: Channel): string {
  return originator.direction === 'inbound' ? 'CORE_PCM_MODULE.PCMU@8000h@20i@64000b' : 'PCMU@8000h@20i';
}

/** The value of a SIP/SDP/RTP variable `name` on `ch` now, or undefined. */
export function sipVarValue(name: string, ch: Channel, env: ValueEnv): string | undefined {
  const meta = legMeta(ch);
  const p = ch.profile;
  const sip = ch.facts.sip;
  const remote = meta.remote;
  const hostPort = remote ? `${remote.host}${remote.port === undefined ? '' : `:${remote.port}`}` : '';
  // a registered contact's URI parameters go wherever FreeSWITCH writes the contact it dials
  const params = remote?.params ? `;${remote.params}` : '';
  const phone = meta.phone;
  const originator = meta.originator;
  switch (name) {
    case 'sip_profile_name':
    case 'sofia_profile_name':
    case 'recovery_profile_name':
      return 'internal';
    case 'sofia_profile_url':
      return SOFIA_PROFILE_URL;
    case 'sip_outgoing_contact_uri':
      return `<${SOFIA_PROFILE_URL}>`;
    case 'video_media_flow':
    case 'text_media_flow':
    case 'audio_media_flow':
      return undefined; // set explicitly by the recipes (it changes during the call)
    case 'sip_destination_url':
      return `sip:${remote?.user}@${hostPort}${params}`;
    case 'sip_req_uri':
      return ch.direction === 'outbound'
        ? `${remote?.user}@${hostPort}${params}`
        : `${p.destinationNumber}@${env.localIp}:5060`;
    case 'rtp_use_codec_string':
      return originator && ch.endpoint === 'sofia' && ch.direction === 'outbound'
        ? originatorCodec(originator)
        : env.codecPrefs.join(',');
    case 'sip_user_agent':
      return ch.direction === 'outbound' ? phone?.userAgent : undefined;
    case 'sip_allow':
      return ch.direction === 'outbound' ? phone?.allow : undefined;
    case 'sip_to_params':
      return ch.direction === 'outbound' && remote?.params ? remote.params : undefined;
    case 'local_media_ip':
    case 'advertised_media_ip':
    case 'sip_local_network_addr':
    case 'sip_from_host':
      return name === 'sip_from_host' && ch.direction === 'inbound' ? remote?.host : env.localIp;
    case 'local_media_port':
      return sip && String(sip.localMediaPort);
    case 'rtp_local_sdp_str':
      return sip && localSdp(sip, env.localIp, ch.direction === 'outbound' && !originator, env.codecPrefs);
    case 'sip_to_host':
      // before the far end answers FreeSWITCH records the request's host:port
      if (ch.direction !== 'outbound') return env.localIp;
      return ch.vars.has('sip_to_host') || ch.vars.has('sofia_profile_name') ? remote?.host : hostPort;
    case 'sip_reply_host':
    case 'sip_network_ip':
    case 'remote_media_ip':
    case 'sip_received_ip':
    case 'sip_via_host':
    case 'sip_contact_host':
      return remote?.host;
    case 'sip_reply_port':
    case 'sip_network_port':
    case 'sip_received_port':
    case 'sip_via_port':
    case 'sip_contact_port':
    case 'sip_from_port':
      return remote?.port === undefined ? undefined : String(remote.port);
    case 'sip_recover_contact': {
      const user = ch.direction === 'outbound' && phone?.contactUser ? `${phone.contactUser}@` : '';
      return `<sip:${user}${hostPort};transport=UDP>`;
    }
    case 'sip_full_via':
    case 'sip_recover_via':
      return ch.direction === 'outbound'
        ? `SIP/2.0/UDP ${env.localIp};rport;branch=${sip?.branch}`
        : `SIP/2.0/UDP ${hostPort};branch=z9hG4bK-${sip?.pid}-1-${ch.facts.apps.length > 1 ? 5 : 0}`;
    case 'sip_from_display':
      return p.origCallerIdName || undefined;
    case 'sip_to_display':
      return meta.builtinUac ? p.destinationNumber : undefined;
    case 'sip_full_from': {
      // FreeSWITCH always quotes the display name; sipp's scenarios quote it only when it has a space
      const quote = ch.direction === 'outbound' || /\s/.test(p.origCallerIdName);
      const display = p.origCallerIdName
        ? quote
          ? `"${p.origCallerIdName}" `
          : `${p.origCallerIdName} `
        : '';
      const tag = ch.direction === 'outbound' ? sip?.localTag : sip?.remoteTag;
      const uri =
        ch.direction === 'outbound'
          ? `${p.origCallerIdNumber}@${env.localIp}`
          : `${remote?.user}@${hostPort}`;
      return `${display}<sip:${uri}>;tag=${tag}`;
    }
    case 'sip_full_to':
      return ch.direction === 'outbound'
        ? `<sip:${remote?.user}@${hostPort}${params}>;tag=${sip?.remoteTag}`
        : `${meta.builtinUac ? `${p.destinationNumber} ` : ''}<sip:${p.destinationNumber}@${env.localIp}:5060>${ch.facts.apps.length ? `;tag=${sip?.localTag}` : ''}`;
    case 'sip_from_user':
    case 'sip_from_user_stripped':
      return ch.direction === 'outbound' ? p.origCallerIdNumber : remote?.user;
    case 'sip_from_uri':
      return ch.direction === 'outbound'
        ? `${p.origCallerIdNumber}@${env.localIp}`
        : `${remote?.user}@${hostPort}`;
    case 'sip_to_user':
    case 'sip_req_user':
      return ch.direction === 'outbound' ? remote?.user : p.destinationNumber;
    case 'sip_to_port':
      return ch.direction === 'outbound' ? String(remote?.port ?? 5060) : '5060';
    case 'sip_req_port':
      return '5060';
    case 'sip_req_host':
      return env.localIp;
    case 'sip_to_uri':
      return ch.direction === 'outbound'
        ? `${remote?.user}@${hostPort}`
        : `${p.destinationNumber}@${env.localIp}:5060`;
    case 'sip_contact_params':
      return 'transport=UDP';
    case 'sip_contact_user':
      return ch.direction === 'outbound' ? (phone?.contactUser ?? 'nobody') : remote?.user;
    case 'sip_contact_uri':
      return `${ch.direction === 'outbound' ? (phone?.contactUser ?? 'nobody') : remote?.user}@${hostPort}`;
    case 'sip_to_tag':
      return ch.direction === 'outbound' ? sip?.remoteTag : sip?.localTag;
    case 'sip_from_tag':
      return ch.direction === 'outbound' ? sip?.localTag : sip?.remoteTag;
    case 'sip_cseq':
      return sip && String(sip.cseq);
    case 'sip_call_id':
      return sip?.callId;
    case 'sip_invite_stamp':
      return String(p.times.channelCreated);
    case 'sip_via_protocol':
      return 'udp';
    case 'sip_subject':
      return meta.builtinUac ? 'Performance Test' : 'Lab test';
    case 'max_forwards':
      return originator?.direction === 'inbound' ? '69' : '70';
    case 'switch_r_sdp':
      return remote && sip
        ? remoteSdp(
            remote.host,
            sip.remoteMediaPort,
            !meta.builtinUac && ch.direction === 'inbound',
            phone?.sdp,
          )
        : undefined;
    case 'switch_m_sdp': {
      // the SDP the other leg received: the originator's for a new leg, the peer's after a bridge
      const other = ch.facts.bridgePeer ?? ch.facts.originated?.leg ?? originator;
      const o = other?.facts.sip;
      const om = other && legMeta(other);
      return o && om?.remote
        ? remoteSdp(om.remote.host, o.remoteMediaPort, other.direction === 'inbound' && !om.builtinUac)
        : undefined;
    }
    case 'ep_codec_string':
      return 'CORE_PCM_MODULE.PCMU@8000h@20i@64000b';
    case 'remote_video_media_flow':
    case 'remote_text_media_flow':
      return 'inactive';
    case 'remote_audio_media_flow':
      return 'sendrecv';
    case 'rtp_audio_recv_pt':
    case 'rtp_use_pt':
      return '0';
    case 'rtp_use_codec_name':
    case 'read_codec':
    case 'original_read_codec':
    case 'write_codec':
      return ch.readCodec?.name ?? 'PCMU';
    case 'rtp_use_codec_rate':
    case 'read_rate':
    case 'original_read_rate':
    case 'write_rate':
      return String(ch.readCodec?.rate ?? 8000);
    case 'rtp_use_codec_ptime':
      return '20';
    case 'rtp_use_codec_channels':
      return '1';
    case 'rtp_last_audio_codec_string':
      return 'PCMU@8000h@20i@1c';
    case 'dtmf_type':
      return 'rfc2833';
    case 'rtp_use_timer_name':
      return 'soft';
    case 'rtp_use_ssrc':
      return sip && String(sip.ssrc);
    case 'rtp_2833_send_payload':
    case 'rtp_2833_recv_payload':
      return '101';
    case 'remote_media_port':
      return sip && String(sip.remoteMediaPort);
    case 'rtp_audio_in_skip_packet_count': {
      const t = ch.profile.times;
      return t.answered
        ? String(Math.max(0, Math.round(((t.hangup || env.now) - t.answered) / 20_000)))
        : '0';
    }
    case 'rtp_audio_out_raw_bytes':
    case 'rtp_audio_out_media_bytes':
    case 'rtp_audio_out_packet_count':
    case 'rtp_audio_out_media_packet_count': {
      // a caller hearing a playback gets a packet every 20 ms (172 bytes each with the RTP header)
      const t = ch.profile.times;
      if (meta.role !== 'inbound' || !t.answered || ch.facts.bridgePeer) return '0';
      const packets = Math.round(((t.hangup || env.now) - t.answered) / 20_000);
      return String(name.endsWith('bytes') ? packets * 172 : packets);
    }
    case 'rtp_audio_in_quality_percentage':
      return '100.00';
    case 'rtp_audio_in_mos':
      return '4.50';
  }
  if (name.startsWith('rtp_audio_')) return /variance|rate|interval/.test(name) ? '0.00' : '0';
  return undefined;
}
