// When each recipe of var-recipes.ts applies: at the channel's own events (engine steps) and at the
// moments the flows report (answered originate, flip, application, bridge, playback). The branches
// follow what the transcripts show for each kind of leg and each way a call ends.
import type { Channel } from './channel.js';
import type { SimContext } from './context.js';
import { legMeta } from './legs.js';
import { fileDurationMs } from './sounds.js';
import type { VarStep } from './var-recipes.js';
import type { VarOp } from './var-types.js';
import { hangupCompleteOps, hangupOps, PLAYBACK_VARS, unbridgeOps } from './hangup-vars.js';
import { BRIDGE_VARS, SDP_ANSWER, SIP_DIALOG, SIP_RESPONSE } from './var-lists.js';
import { createVars, dialVarOps, INBOUND_MEDIA, setVars, userLegReset, userVarOps } from './var-recipes.js';

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
        return this.set(ch, unbridgeOps(ch));
      case 'hangup':
        return this.set(ch, hangupOps(ch));
      case 'hangup_complete':
        return this.set(ch, hangupCompleteOps(ch));
      case 'destroy':
        if (ch.facts.bridgePeer && ch.other?.type === 'originator') {
          if (ch.facts.endedBridge && ch.endpoint === 'sofia') this.set(ch, ['call_uuid']);
          if (!ch.facts.endedBridge && ch.endpoint === 'loopback')
            this.set(ch, ['bridge_hangup_cause', 'call_uuid']);
        }
        return;
    }
  }
}
