// One call leg as FreeSWITCH sees it, and the channel headers it contributes to every event about it
// (switch_channel_event_set_basic_data). No timers or flows here: those live in the call flows.
import type { CallerProfile } from './caller-profile.js';
import { profileHeaders } from './caller-profile.js';
import { VarList } from './var-list.js';
import type { SipSession } from './sip-session.js';

export type CallState = 'DOWN' | 'RINGING' | 'EARLY' | 'ACTIVE' | 'HELD' | 'UNHELD' | 'HANGUP';
export type AnswerState = 'ringing' | 'early' | 'answered' | 'hangup';

export const STATE_NUMBERS: Record<string, number> = {
  CS_NEW: 0,
  CS_INIT: 1,
  CS_ROUTING: 2,
  CS_SOFT_EXECUTE: 3,
  CS_EXECUTE: 4,
  CS_EXCHANGE_MEDIA: 5,
  CS_PARK: 6,
  CS_CONSUME_MEDIA: 7,
  CS_HIBERNATE: 8,
  CS_RESET: 9,
  CS_HANGUP: 10,
  CS_REPORTING: 11,
  CS_DESTROY: 12,
};

export interface Codec {
  name: string;
  rate: number;
  bitRate: number;
}

export const PCMU: Codec = { name: 'PCMU', rate: 8000, bitRate: 64000 };
export const L16: Codec = { name: 'L16', rate: 8000, bitRate: 128000 };

export type Endpoint = 'sofia' | 'loopback';

/** What happened to a leg, as far as its channel variables tell (set by the flows, read by the recipes). */
export interface ChannelFacts {
  /** The far end's SIP/RTP particulars (sofia legs). */
  sip?: SipSession;
  /** Applications run, last one last (`last_app`/`last_arg`). */
  apps: Array<{ app: string; data: string }>;
  /** When the current playback started (µs) and what it plays. */
  playback?: { file: string; startedAt: number; lengthMs: number | undefined };
  /** Caller id before the leg's flip (`pre_transfer_caller_id_*`). */
  preFlip?: { name: string; number: string };
  /** How the leg ended, for the sofia variables. */
  ending?: 'recv_bye' | 'send_bye' | 'send_cancel' | 'recv_refuse' | 'unreachable';
  /** The bridge this leg was in (kept after it ends for last_bridge_* variables). */
  bridgePeer?: Channel;
  /** This side ended the bridge (hung up first). */
  endedBridge?: boolean;
  /** The bridge has been torn down (CHANNEL_UNBRIDGE fired). */
  bridgeOver?: boolean;
  /** The leg a bridge tried to reach and how that went. */
  originated?: { leg: Channel; cause: string };
}

export class Channel {
  /** Running state (Channel-State) and requested state (Channel-State-Number) can differ briefly. */
  stateName = 'CS_NEW';
  stateNumber = 0;
  callState: CallState = 'DOWN';
  answerState: AnswerState = 'ringing';
  hitDialplan = false;
  presenceId: string | undefined;
  callUuid: string;
  readCodec: Codec | undefined;
  writeCodec: Codec | undefined;
  hangupCause: string | undefined;
  other: { type: 'originator' | 'originatee'; profile: CallerProfile } | undefined;
  readonly vars = new VarList();
  readonly facts: ChannelFacts = { apps: [] };
  /** What `show channels` prints as application / application_data / dialplan. */
  application = '';
  applicationData = '';
  showDialplan = '';
  /** The other loopback leg, the bridged partner, the conference this leg is in. */
  loopbackPeer: Channel | undefined;
  bridgedTo: Channel | undefined;
  conferenceName: string | undefined;
  /** Callee id the leg "sent" (show channels sent_callee_*). */
  sentCalleeName = '';
  sentCalleeNumber = '';
  /** The direction of the last caller-id update (CALL_UPDATE): `show channels` callee_direction. */
  calleeUpdate: 'SEND' | 'RECV' | undefined;
  /** A tone this leg plays in a loop (a conference member at the other end of the loopback talks). */
  toneLoop: { toneMs: number; silenceMs: number } | undefined;
  /** The caller profile as it was at creation (`show channels` initial_* columns). */
  initial: {
    cidName: string;
    cidNumber: string;
    dest: string;
    dialplan: string;
    context: string;
    ip: string;
  };
  destroyed = false;
  hungUp = false;
  /** One-shot callbacks run right after this leg's CHANNEL_HANGUP is fired. */
  readonly hangupListeners: Array<() => void> = [];
  /** One-shot callbacks run right after this leg's CHANNEL_HANGUP_COMPLETE is fired. */
  readonly completeListeners: Array<() => void> = [];
  /** Legs this channel is still trying to reach (a bridge's B-leg while it rings). */
  readonly pendingLegs: Channel[] = [];
  /** Cancels pending timers of this leg's flow (answer, auto hang-up ...). */
  readonly timers: Array<() => void> = [];

  constructor(
    readonly uuid: string,
    readonly name: string,
    readonly endpoint: Endpoint,
    readonly direction: 'inbound' | 'outbound',
    public profile: CallerProfile,
    readonly sessionId: number,
  ) {
    this.callUuid = uuid;
    this.initial = {
      cidName: profile.callerIdName,
      cidNumber: profile.callerIdNumber,
      dest: profile.destinationNumber,
      dialplan: profile.dialplan ?? '',
      context: profile.context,
      ip: profile.networkAddr ?? '',
    };
  }

  setCodec(codec: Codec | undefined): void {
    this.readCodec = codec;
    this.writeCodec = codec;
  }

  setState(name: string, number = STATE_NUMBERS[name] ?? 0): void {
    this.stateName = name;
    this.stateNumber = number;
  }

  cancelTimers(): void {
    for (const cancel of this.timers.splice(0)) cancel();
  }

  /** Channel-State ... Caller-* ... Other-Leg-*, as in every channel and member event. */
  basicHeaders(): Array<[string, string]> {
    const h: Array<[string, string]> = [
      ['Channel-State', this.stateName],
      ['Channel-Call-State', this.callState],
      ['Channel-State-Number', String(this.stateNumber)],
      ['Channel-Name', this.name],
      ['Unique-ID', this.uuid],
      ['Call-Direction', this.direction],
      ['Presence-Call-Direction', this.direction],
      ['Channel-HIT-Dialplan', String(this.hitDialplan)],
    ];
    if (this.presenceId) h.push(['Channel-Presence-ID', this.presenceId]);
    h.push(['Channel-Call-UUID', this.callUuid], ['Answer-State', this.answerState]);
    if (this.hangupCause) h.push(['Hangup-Cause', this.hangupCause]);
    if (this.readCodec) {
      const c = this.readCodec;
      h.push(
        ['Channel-Read-Codec-Name', c.name],
        ['Channel-Read-Codec-Rate', String(c.rate)],
        ['Channel-Read-Codec-Bit-Rate', String(c.bitRate)],
      );
    }
    if (this.writeCodec) {
      const c = this.writeCodec;
      h.push(
        ['Channel-Write-Codec-Name', c.name],
        ['Channel-Write-Codec-Rate', String(c.rate)],
        ['Channel-Write-Codec-Bit-Rate', String(c.bitRate)],
      );
    }
    h.push(...profileHeaders('Caller', this.profile));
    if (this.other) {
      h.push(['Other-Type', this.other.type], ...profileHeaders('Other-Leg', this.other.profile));
    }
    return h;
  }
}
