// The live channels of the switch and their life-cycle events: CHANNEL_CREATE ... CHANNEL_DESTROY, with
// the teardown orders the transcripts show (a bridged leg hanging up, a killed A-leg with a loopback
// peer, a loopback B-leg ending its extension). Flows (originate, bridge, dialplan) drive this.
import type { Channel } from './channel.js';
import type { SimContext } from './context.js';
import type { CallSite } from './sites.js';
import { SITES } from './sites.js';
import type { VarStep } from './var-recipes.js';

export interface CallHooks {
  /** Channel variables FreeSWITCH sets at each step (kept in order). */
  applyVars(ch: Channel, step: VarStep): void;
  /** Called right after a channel's CHANNEL_HANGUP (a conference member leaves, for instance). */
  onHangup(ch: Channel): void;
}

type TeardownStep = { ch: Channel; step: 'hangup' | 'complete' | 'destroy' | 'unbridge'; cause?: string };

export class CallEngine {
  /** Live channels in creation order (`show channels` prints them so). */
  readonly channels = new Map<string, Channel>();

  constructor(
    private readonly ctx: SimContext,
    private readonly hooks: CallHooks,
  ) {}

  get(uuid: string): Channel | undefined {
    return this.channels.get(uuid);
  }

  fire(ch: Channel, name: string, site: CallSite, pre: Array<[string, string]> = []): void {
    this.ctx.fire(name, site, [...pre, ...ch.basicHeaders(), ...ch.vars.headers()]);
  }

  create(ch: Channel): void {
    this.channels.set(ch.uuid, ch);
    this.ctx.peakSessions = Math.max(this.ctx.peakSessions, this.channels.size);
    ch.setState('CS_INIT', 2);
    this.hooks.applyVars(ch, 'create');
    this.fire(ch, 'CHANNEL_CREATE', SITES.channelCreate);
  }

  /** 180 Ringing (or a caller hearing its callee ring). The caller sets the state first. */
  progress(ch: Channel): void {
    ch.profile.times.progress = this.ctx.now();
    if (ch.other?.type === 'originator' && ch.endpoint === 'sofia')
      ch.other.profile.times.progress = this.ctx.now();
    this.hooks.applyVars(ch, 'progress');
    this.fire(ch, 'CHANNEL_PROGRESS', SITES.channelProgress);
  }

  /** Early media (183). The event still shows the call state before it. */
  progressMedia(ch: Channel): void {
    ch.answerState = 'early';
    ch.profile.times.progressMedia = this.ctx.now();
    this.hooks.applyVars(ch, 'progress_media');
    this.fire(ch, 'CHANNEL_PROGRESS_MEDIA', SITES.channelProgressMedia);
    ch.callState = 'EARLY';
  }

  /** 200 OK. The event still shows the call state before it; the call is ACTIVE afterwards. */
  answer(ch: Channel): void {
    ch.answerState = 'answered';
    ch.profile.times.answered = this.ctx.now();
    this.hooks.applyVars(ch, 'answer');
    this.fire(ch, 'CHANNEL_ANSWER', SITES.channelAnswer);
    ch.callState = 'ACTIVE';
  }

  /** CHANNEL_BRIDGE on the A-leg, with Bridge-A/B-Unique-ID. */
  bridge(a: Channel, b: Channel): void {
    const now = this.ctx.now();
    a.bridgedTo = b;
    b.bridgedTo = a;
    a.profile.times.bridged = now;
    b.profile.times.bridged = now;
    b.setState('CS_EXCHANGE_MEDIA', 5);
    b.callState = 'ACTIVE';
    // a loopback B side: its inbound leg now sees the caller's id as its callee
    const inner = b.loopbackPeer;
    if (inner) {
      inner.profile.calleeIdName = b.profile.callerIdName;
      inner.profile.calleeIdNumber = b.profile.callerIdNumber;
    }
    this.hooks.applyVars(a, 'bridge');
    this.fire(a, 'CHANNEL_BRIDGE', SITES.channelBridge, [
      ['Bridge-A-Unique-ID', a.uuid],
      ['Bridge-B-Unique-ID', b.uuid],
    ]);
  }

  /**
   * CALL_UPDATE: a leg's caller id was flipped (`RECV`, a transfer or an originated leg starting its
   * application) or a SIP leg told its phone whom it is connected to (`SEND`, after a bridge).
   */
  callUpdate(ch: Channel, direction: 'SEND' | 'RECV', pre: Array<[string, string]>): void {
    ch.calleeUpdate = direction;
    const site = direction === 'SEND' ? SITES.callUpdateDisplay : SITES.callUpdateFlip;
    this.fire(ch, 'CALL_UPDATE', site, [['Direction', direction], ...pre]);
  }

  /** Ends the bridge `a` runs (its partner left it: a transfer): CHANNEL_UNBRIDGE on `a`. */
  endBridge(a: Channel): void {
    if (a.bridgedTo !== undefined) this.unbridge(a, a.bridgedTo);
  }

  private unbridge(a: Channel, b: Channel): void {
    this.hooks.applyVars(a, 'unbridge');
    this.fire(a, 'CHANNEL_UNBRIDGE', SITES.channelUnbridge, [
      ['Bridge-A-Unique-ID', a.uuid],
      ['Bridge-B-Unique-ID', b.uuid],
    ]);
    a.facts.bridgeOver = true;
    b.facts.bridgeOver = true;
    // Once the bridge is gone the B side's Channel-Call-UUID is its own again.
    b.callUuid = b.uuid;
    if (b.loopbackPeer) b.loopbackPeer.callUuid = b.loopbackPeer.uuid;
    a.bridgedTo = undefined;
    b.bridgedTo = undefined;
  }

  /**
   * Hangs `initiator` up with `cause` and tears down everything attached to it (its loopback peer,
   * the channel it is bridged to), in the order FreeSWITCH's threads produce in the transcripts.
   */
  hangup(
    initiator: Channel,
    cause: string,
    ending?: 'recv_bye' | 'send_cancel' | 'recv_refuse' | 'unreachable',
  ): void {
    if (initiator.hungUp) return;
    if (ending) initiator.facts.ending = ending;
    // the side whose hangup ends a bridge records it differently from the side that learns of it
    const bridged = initiator.bridgedTo
      ? initiator
      : initiator.loopbackPeer?.bridgedTo
        ? initiator.loopbackPeer
        : undefined;
    if (bridged) bridged.facts.endedBridge = true;
    for (const s of this.plan(initiator, cause)) this.run(s);
  }

  private plan(ch: Channel, cause: string): TeardownStep[] {
    const peer = ch.loopbackPeer && !ch.loopbackPeer.hungUp ? ch.loopbackPeer : undefined;
    const bridged = ch.bridgedTo && !ch.bridgedTo.hungUp ? ch.bridgedTo : undefined;
    const h = (c: Channel, why = cause): TeardownStep => ({ ch: c, step: 'hangup', cause: why });
    const c = (x: Channel): TeardownStep => ({ ch: x, step: 'complete' });
    const d = (x: Channel): TeardownStep => ({ ch: x, step: 'destroy' });
    const u = (a: Channel): TeardownStep => ({ ch: a, step: 'unbridge' });
    // A loopback B-leg ends its extension while its A-leg is bridged to a caller.
    if (peer && !bridged && peer.bridgedTo && !peer.bridgedTo.hungUp) {
      const a = peer.bridgedTo;
      return [h(ch), h(peer), c(ch), u(a), h(a), c(a), d(a), c(peer), d(peer), d(ch)];
    }
    if (bridged) {
      const isB = ch.other?.type === 'originator';
      if (isB) {
        // The called leg hangs up: the caller unbridges and hangs up after it (an inbound caller's
        // hangup overtakes the called leg's destroy in the transcripts, an originated one's does not).
        const ha = h(bridged, 'NORMAL_CLEARING');
        return bridged.direction === 'inbound'
          ? [h(ch), c(ch), u(bridged), ha, d(ch), c(bridged), d(bridged)]
          : [h(ch), c(ch), u(bridged), d(ch), ha, c(bridged), d(bridged)];
      }
      const bPeer = bridged.loopbackPeer && !bridged.loopbackPeer.hungUp ? bridged.loopbackPeer : undefined;
      if (bPeer)
        return [h(ch), h(bridged), h(bPeer), c(bridged), c(bPeer), d(bPeer), u(ch), d(bridged), c(ch), d(ch)];
      return [h(ch), h(bridged), u(ch), c(bridged), d(bridged), c(ch), d(ch)];
    }
    if (peer) return [h(ch), h(peer), c(ch), c(peer), d(ch), d(peer)];
    return [h(ch), c(ch), d(ch)];
  }

  private run(s: TeardownStep): void {
    const ch = s.ch;
    switch (s.step) {
      case 'hangup':
        if (ch.hungUp) return;
        ch.hungUp = true;
        ch.cancelTimers();
        ch.stateNumber = 10;
        ch.answerState = 'hangup';
        ch.hangupCause = s.cause ?? 'NORMAL_CLEARING';
        this.hooks.applyVars(ch, 'hangup');
        this.fire(ch, 'CHANNEL_HANGUP', SITES.channelHangup);
        this.hooks.onHangup(ch);
        for (const listener of ch.hangupListeners.splice(0)) listener();

        for (const leg of ch.pendingLegs.splice(0)) this.hangup(leg, 'ORIGINATOR_CANCEL');
        return;
      case 'complete':
        ch.setState('CS_REPORTING', 11);
        ch.callState = 'HANGUP';
        ch.profile.times.hangup = this.ctx.now();
        this.hooks.applyVars(ch, 'hangup_complete');
        // switch_core_session_reporting_state puts the cause first as well
        this.fire(ch, 'CHANNEL_HANGUP_COMPLETE', SITES.channelHangupComplete, [
          ['Hangup-Cause', ch.hangupCause ?? 'NORMAL_CLEARING'],
        ]);
        for (const listener of ch.completeListeners.splice(0)) listener();
        return;
      case 'destroy':
        ch.setState('CS_REPORTING', 12);
        this.hooks.applyVars(ch, 'destroy');
        this.fire(ch, 'CHANNEL_DESTROY', SITES.channelDestroy);
        ch.destroyed = true;
        this.channels.delete(ch.uuid);
        return;
      case 'unbridge':
        if (ch.bridgedTo) this.unbridge(ch, ch.bridgedTo);
        return;
    }
  }
}
