// When each recipe of var-recipes.ts applies: at the channel's own events (engine steps) and at the
// moments the flows report (answered originate, flip, application, bridge, playback). The branches
// follow what the transcripts show for each kind of leg and each way a call ends.
import type { Channel } from './channel.js';
import type { SimContext } from './context.js';
import { legMeta } from './legs.js';
import { fileDurationMs } from './sounds.js';
import type { VarOp, VarStep } from './var-recipes.js';
import { BRIDGE_VARS, RTP_STATS, SDP_ANSWER, SIP_DIALOG, SIP_RESPONSE, SIP_TERM } from './var-lists.js';
import {
  cdrVars,
  createVars,
  dialVarOps,
  INBOUND_MEDIA,
  setVars,
  userLegReset,
  userVarOps,
} from './var-recipes.js';

const PLAYBACK_VARS = ['playback_last_offset_pos', 'playback_seconds', 'playback_ms', 'playback_samples'];

/** The peer's hangup was a BYE from the far end (the other side then learns a SIP phrase). */
const endedByBye = (ch: Channel | undefined): boolean => ch?.facts.ending === 'recv_bye';

export class ChannelVars {
  constructor(private readonly ctx: SimContext) {}

  private set(ch: Channel, ops: readonly VarOp[]): void {
    setVars(this.ctx, ch, ops);
  }

  // ---------- moments reported by the flows ----------

  /** An originated A-leg answered and the originate finished (before it runs its application). */
  originateDone(ch: Channel): void {
    const ops: VarOp[] = ['endpoint_disposition'];
    if (legMeta(ch).dialedUser)
      ops.push(...userVarOps(ch), ...dialVarOps(ch), 'originate_early_media', 'originate_endpoint');
    this.set(ch, ops);
  }

  /** An originated A-leg is transferred to an extension (`<ext> XML <context>`). */
  transferred(ch: Channel): void {
    this.set(ch, ['max_forwards', 'transfer_history', 'transfer_source']);
  }

  /** An originated A-leg swaps caller and callee ids. */
  flipped(ch: Channel, before: { name: string; number: string }): void {
    ch.facts.preFlip = before;
    this.set(ch, [
      'pre_transfer_caller_id_name',
      'pre_transfer_caller_id_number',
      'channel_cid_flipped',
      'call_uuid',
    ]);
  }

  /** The channel starts an application. */
  executing(ch: Channel, app: string, data: string): void {
    ch.facts.apps.push({ app, data });
    if (app === 'playback')
      ch.facts.playback = { file: data, startedAt: this.ctx.now(), lengthMs: fileDurationMs(data) };
    if (legMeta(ch).role === 'loop-b' && app !== 'answer' && !ch.vars.has('endpoint_disposition'))
      this.set(ch, ['endpoint_disposition']);
    this.set(ch, data ? ['current_application_data', 'current_application'] : ['current_application']);
    // a caller bridging to `user/<name>@<domain>`: the user endpoint records whom it dials
    const user =
      app === 'bridge' && legMeta(ch).role === 'inbound' ? /^user\/([^@]+)@(.+)$/.exec(data) : null;
    if (user)
      this.set(ch, [
        ['dialed_user', user[1]!],
        ['dialed_domain', user[2]!],
      ]);
  }

  /** A playback ran to its end. */
  playbackEnded(ch: Channel): void {
    this.set(ch, PLAYBACK_VARS);
    ch.facts.playback = undefined;
  }

  /** An inbound call was routed by the dialplan (vanilla sets and exports a few variables). */
  routed(ch: Channel, localExtension: boolean): void {
    const ops: VarOp[] = ['DP_MATCH', 'call_uuid', 'RFC2822_DATE'];
    if (localExtension) {
      ops.push(
        ['dialed_extension', ch.profile.destinationNumber],
        ['export_vars', 'RFC2822_DATE,dialed_extension'],
        ['ringback', '%(2000,4000,440,480)'],
        ['transfer_ringback', 'local_stream://moh'],
        ['call_timeout', '30'],
        ['hangup_after_bridge', 'true'],
        ['continue_on_fail', 'true'],
        ['called_party_callgroup', 'techsupport'],
      );
    } else ops.push(['export_vars', 'RFC2822_DATE']);
    this.set(ch, ops);
  }

  /** An inbound call we answered ourselves (before its application starts). */
  answered(ch: Channel): void {
    this.set(ch, ['endpoint_disposition']);
  }

  /** Our 200 OK to an inbound call was acknowledged. */
  acknowledged(ch: Channel): void {
    this.set(ch, SIP_DIALOG);
  }

  /** A bridge's B-leg is ringing or answered: the caller learns about it. */
  originating(a: Channel, b: Channel, ringing: boolean): void {
    a.facts.originated = { leg: b, cause: 'SUCCESS' };
    if (a.direction !== 'inbound') return;
    // while the callee is still being reached FreeSWITCH reports a provisional "failure"
    this.set(a, [
      ['originate_disposition', 'failure'],
      ['DIALSTATUS', 'INVALIDARGS'],
      'originate_signal_bond',
      'originated_legs',
    ]);
    if (ringing) this.set(a, ['sip_to_tag']);
  }

  /** The bridge is up: both sides record it (A before its CHANNEL_BRIDGE, B quietly). */
  bridged(a: Channel, b: Channel, answeredAtOnce: boolean): void {
    a.facts.originated = { leg: b, cause: 'SUCCESS' };
    a.facts.bridgePeer = b;
    b.facts.bridgePeer = a;
    if (a.direction === 'inbound') {
      // dialling `user/...` goes through a second originate: both report the leg, as arrays
      if (legMeta(b).dialedUser) {
        const legs = a.vars.get('originated_legs');
        if (legs) a.vars.update('originated_legs', `ARRAY::${legs}|:${legs}`);
      }
      const ops: VarOp[] = [{ del: 'originate_signal_bond' }, 'endpoint_disposition'];
      const causes: VarOp = legMeta(b).dialedUser
        ? ['originate_causes', `ARRAY::${b.uuid};NONE|:${b.uuid};NONE`]
        : 'originate_causes';
      if (answeredAtOnce)
        ops.push(causes, ...SIP_DIALOG, 'originate_disposition', 'DIALSTATUS', 'signal_bond');
      else ops.push('originate_disposition', 'DIALSTATUS', causes, 'signal_bond');
      this.set(a, ops);
    } else {
      const ops: VarOp[] = ['originated_legs'];
      if (b.endpoint === 'sofia')
        ops.push(
          'switch_m_sdp',
          ['video_media_flow', 'inactive'],
          ['text_media_flow', 'inactive'],
          ['audio_media_flow', 'sendrecv'],
        );
      ops.push('originate_disposition', 'DIALSTATUS', 'originate_causes', 'signal_bond');
      this.set(a, ops);
    }
    const bOps: VarOp[] = ['endpoint_disposition'];
    if (legMeta(b).dialedUser) bOps.push(...userVarOps(b), ...userLegReset(b));
    bOps.push('call_uuid', ...BRIDGE_VARS);
    this.set(b, bOps);
  }

  /** Right after CHANNEL_BRIDGE the A side records the bridge too. */
  afterBridgeEvent(a: Channel): void {
    this.set(a, BRIDGE_VARS);
  }

  /** The B-leg of a bridge failed: the A-leg records why before it hangs up. */
  bridgeFailed(a: Channel, b: Channel, cause: string): void {
    a.facts.originated = { leg: b, cause };
    this.set(a, [
      'originate_signal_bond',
      'originated_legs',
      ['sip_invite_failure_status', b.vars.get('sip_invite_failure_status') ?? ''],
      ['sip_invite_failure_phrase', b.vars.get('sip_invite_failure_phrase') ?? ''],
      'sip_hangup_phrase',
      ['last_bridge_hangup_cause', cause],
      'last_bridge_proto_specific_hangup_cause',
      'originate_disposition',
      'DIALSTATUS',
      'originate_causes',
      'originate_failed_cause',
    ]);
  }

  // ---------- the channel's own events ----------

  apply(ch: Channel, step: VarStep): void {
    const meta = legMeta(ch);
    const sofiaOut = ch.endpoint === 'sofia' && ch.direction === 'outbound';
    switch (step) {
      case 'create':
        return this.set(ch, createVars(ch));
      case 'progress':
        if (sofiaOut) this.set(ch, SIP_RESPONSE);
        return;
      case 'progress_media':
        if (meta.role === 'inbound') {
          const b = ch.facts.originated?.leg;
          const ops: VarOp[] = [];
          if (b) ops.push('switch_m_sdp', ['video_media_flow', 'inactive'], ['text_media_flow', 'inactive']);
          this.set(ch, [...ops, ...INBOUND_MEDIA, 'endpoint_disposition']);
        }
        return;
      case 'answer':
        if (sofiaOut) this.set(ch, SDP_ANSWER);
        else if (meta.role === 'inbound') this.set(ch, ['rtp_local_sdp_str']);
        else if (meta.role === 'loop-b') {
          this.set(ch, ['call_uuid']);
          this.executing(ch, 'answer', '');
        }
        return;
      case 'bridge':
        return;
      case 'unbridge':
        return this.unbridged(ch);
      case 'hangup':
        return this.hungUp(ch);
      case 'hangup_complete':
        return this.completed(ch);
      case 'destroy':
        if (ch.facts.bridgePeer && ch.other?.type === 'originator') {
          if (ch.facts.endedBridge && ch.endpoint === 'sofia') this.set(ch, ['call_uuid']);
          if (!ch.facts.endedBridge && ch.endpoint === 'loopback')
            this.set(ch, ['bridge_hangup_cause', 'call_uuid']);
        }
        return;
    }
  }

  /** The A side's CHANNEL_UNBRIDGE. */
  private unbridged(a: Channel): void {
    const peer = a.facts.bridgePeer;
    if (a.facts.endedBridge) {
      const ops: VarOp[] = [{ del: 'bridge_to' }];
      if (a.facts.ending === 'recv_bye') ops.push('sip_hangup_disposition');
      this.set(a, [...ops, 'bridge_hangup_cause']);
      return;
    }
    const ops: VarOp[] = [
      { del: 'bridge_to' },
      'last_bridge_to',
      'bridge_channel',
      'bridge_uuid',
      'signal_bond',
    ];
    if (a.direction === 'inbound' && !a.vars.has('originate_signal_bond') && !this.ackedAtBridge(a))
      ops.push(...SIP_DIALOG);
    ops.push('last_sent_callee_id_name', 'last_sent_callee_id_number');
    if (endedByBye(peer)) ops.push('sip_hangup_phrase');
    ops.push('last_bridge_hangup_cause');
    if (endedByBye(peer)) ops.push('last_bridge_proto_specific_hangup_cause');
    this.set(a, [...ops, 'bridge_hangup_cause']);
  }

  /** Whether an inbound caller's dialog variables were already refreshed when the bridge came up. */
  private ackedAtBridge(a: Channel): boolean {
    const names = a.vars.names();
    return (
      names.indexOf('sip_full_to') > names.indexOf('originate_causes') &&
      names.indexOf('originate_causes') !== -1
    );
  }

  private hungUp(ch: Channel): void {
    const bridged = ch.facts.bridgePeer !== undefined && !ch.facts.bridgeOver;
    const ending = ch.facts.ending;
    if (bridged && ch.facts.endedBridge) {
      this.set(ch, [...BRIDGE_VARS, ...(ending === 'recv_bye' ? SIP_TERM : []), 'last_bridge_role']);
      return;
    }
    if (bridged && ch.other?.type === 'originator') {
      // the B side learns that the A side ended the bridge
      const peer = ch.facts.bridgePeer;
      const ops: VarOp[] = [{ del: 'bridge_to' }, ...BRIDGE_VARS.slice(1)];
      if (endedByBye(peer)) ops.push('sip_hangup_phrase');
      ops.push('last_bridge_hangup_cause');
      if (endedByBye(peer)) ops.push('last_bridge_proto_specific_hangup_cause');
      this.set(ch, ops);
      return;
    }
    if (ch.endpoint !== 'sofia' || bridged) return;
    if (ch.direction === 'outbound' && ending === 'recv_refuse')
      this.set(ch, [
        'sip_call_id',
        'sip_local_network_addr',
        'sip_reply_host',
        'sip_reply_port',
        'sip_network_ip',
        'sip_network_port',
        'sip_hangup_disposition',
        'sip_invite_failure_status',
        'sip_invite_failure_phrase',
        ...SIP_TERM,
      ]);
    else if (ch.direction === 'outbound' && ending === 'unreachable')
      this.set(ch, [
        'sip_call_id',
        'sip_local_network_addr',
        ['sip_reply_port', '0'],
        ['sip_network_port', '0'],
        'sip_hangup_disposition',
        'sip_invite_failure_status',
        'sip_invite_failure_phrase',
        ...SIP_TERM,
      ]);
    else if (ending === 'recv_bye') this.set(ch, SIP_TERM);
  }

  private completed(ch: Channel): void {
    const meta = legMeta(ch);
    const ended = ch.facts.endedBridge === true;
    const bSide = ch.other?.type === 'originator' && ch.facts.bridgePeer !== undefined;
    const interrupted: VarOp[] = ch.facts.playback ? [...PLAYBACK_VARS, 'current_application_response'] : [];
    if (ch.endpoint === 'loopback') {
      const head: VarOp[] =
        meta.role === 'loop-a' && ended && bSide ? [{ del: 'bridge_to' }, 'call_uuid'] : [];
      this.set(ch, [...head, ...interrupted, ...cdrVars(ch), 'is_loopback']);
      return;
    }
    const media = ch.profile.times.answered ? RTP_STATS : [];
    switch (ch.facts.ending) {
      case 'recv_bye':
        if (ch.direction === 'inbound' && ch.facts.bridgePeer)
          return this.set(ch, [...cdrVars(ch), ...media]);
        return this.set(ch, [
          ...(bSide ? [{ del: 'bridge_to' }] : []),
          'sip_hangup_disposition',
          ...interrupted,
          ...cdrVars(ch),
          ...media,
        ]);
      case 'send_cancel':
        return this.set(ch, [
          ...cdrVars(ch),
          'sip_hangup_disposition',
          'sip_invite_failure_status',
          'sip_invite_failure_phrase',
        ]);
      case 'recv_refuse':
      case 'unreachable':
        return this.set(ch, cdrVars(ch));
      default:
        this.set(ch, [
          ...interrupted,
          ...cdrVars(ch),
          ...(bSide && !ended ? ['bridge_hangup_cause', 'call_uuid'] : []),
          'sip_hangup_disposition',
          ...media,
        ]);
    }
  }
}
