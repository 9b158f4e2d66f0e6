// What an answered channel runs: an application (`&park()`, `&bridge(...)`, `&conference(...)`,
// `playback`) or a dialplan extension from the configured table.
import type { CallEngine } from './calls.js';
import type { Channel } from './channel.js';
import { L16 } from './channel.js';
import type { ConferenceCaller, DialplanTarget } from './config.js';
import type { Conferences } from './conferences.js';
import type { SimContext } from './context.js';
import type { AfterAnswer } from './dial-string.js';
import { parseDialString } from './dial-string.js';
import { legMeta } from './legs.js';
import type { Placer } from './originate.js';
import { SIGNALLING_MS } from './originate.js';
import { bridgedPartnerView, originateeView, originatorView, swapCallerCallee } from './profiles.js';
import { fileDurationMs } from './sounds.js';
import { transferToExtension } from './transfer.js';
import type { ChannelVars } from './channel-vars.js';
import type { ControlBinder } from './conference-controls.js';
import { dialVarOf } from './legs.js';

/** How long a caller refused by a locked/full conference hears the refusal before hanging up. */
export const REFUSED_JOIN_HANGUP_MS = 1000;

/** switch_channel_handle_cause: with continue_on_fail unset these still go on to the next action. */
const ALWAYS_CONTINUE = new Set(['NO_ANSWER', 'NO_USER_RESPONSE', 'ORIGINATOR_CANCEL']);

type BridgeTarget = Extract<DialplanTarget, { kind: 'bridge' }>;

export class Applications {
  placer: Placer | undefined;
  /** Binds each new member's caller controls (set by the switch once its conference host exists). */
  controls: ControlBinder | undefined;
  /** mod_xml_curl's dialplan fetch, asked before the table (set by the switch). */
  lookupExtension:
    ((ch: Channel, extension: string, context: string) => Promise<DialplanTarget | undefined>) | undefined;

  constructor(
    private readonly ctx: SimContext,
    private readonly engine: CallEngine,
    private readonly conferences: Conferences,
    private readonly dialplan: (extension: string, context: string) => DialplanTarget | undefined,
    private readonly vars: ChannelVars,
  ) {}

  private later(ch: Channel, ms: number, fn: () => void): void {
    ch.timers.push(this.ctx.clock.schedule(ms, () => !ch.hungUp && fn()));
  }

  /** An originated A-leg has answered: it now runs what the originate asked for. */
  afterAnswer(ch: Channel, then: AfterAnswer): void {
    // A loopback A-leg executing something reads "Outbound Call" / <context> from now on; an
    // originated leg sent to an extension swaps too, and is transferred there (a second profile).
    const loopA = legMeta(ch).role === 'loop-a';
    this.vars.originateDone(ch);
    if (loopA) swapCallerCallee(ch.profile);
    if (then.type === 'app') this.runApp(ch, then.app, then.data);
    else {
      transferToExtension(this.ctx, ch, then.extension, then.dialplan, then.context);
      this.vars.transferred(ch);
      if (!loopA) this.flip(ch);
      ch.showDialplan = then.dialplan;
      this.runExtension(ch, then.extension, then.dialplan, then.context);
    }
  }

  /** An originated leg swaps caller and callee ids (and records what they were). */
  flip(ch: Channel): void {
    const before = { name: ch.profile.callerIdName, number: ch.profile.callerIdNumber };
    swapCallerCallee(ch.profile);
    this.vars.flipped(ch, before);
    this.engine.callUpdate(ch, 'RECV', []);
  }

  /** The channel is now executing `app` (what `show channels` and current_application report). */
  private executing(ch: Channel, app: string, data: string): void {
    ch.application = app;
    ch.applicationData = data;
    ch.setState('CS_EXECUTE', 4);
    ch.callState = 'ACTIVE';
    ch.hitDialplan = true;
    this.vars.executing(ch, app, data);
  }

  /** The channel starts `app`; false when it is gone already. */
  private start(ch: Channel, app: string, data: string): boolean {
    if (ch.hungUp) return false;
    // an originated A-leg flips when it starts bridging (the swap itself shows once the bridge is up)
    if (app === 'bridge' && legMeta(ch).role === 'originate-a') {
      this.vars.flipped(ch, { name: ch.profile.callerIdName, number: ch.profile.callerIdNumber });
      // FreeSWITCH has flipped the ids now (CALL_UPDATE shows it); the model keeps the leg's own
      // view until the bridge is up, which is what the B-leg's Other-Leg headers are made from.
      // (a leg routed through the dialplan flipped when it was transferred there)
      if (ch.profile.transferSource === undefined) {
        ch.hitDialplan = true;
        swapCallerCallee(ch.profile);
        this.engine.callUpdate(ch, 'RECV', []);
        swapCallerCallee(ch.profile);
      }
    }
    this.executing(ch, app, data);
    return true;
  }

  runApp(ch: Channel, app: string, data: string, caller?: ConferenceCaller): void {
    if (!this.start(ch, app, data)) return;
    switch (app) {
      case 'park':
      case 'answer':
      case 'echo':
        return;
      case 'conference':
        return this.joinConference(ch, data, caller);
      case 'bridge':
        return this.bridge(ch, data);
      case 'playback': {
        // a finite file: when it ends the extension goes on to `hangup`
        const ms = fileDurationMs(data);
        if (ms !== undefined)
          this.later(ch, ms, () => {
            this.vars.playbackEnded(ch);
            this.runApp(ch, 'hangup', 'NORMAL_CLEARING');
          });
        return;
      }
      case 'sleep':
        this.later(ch, Number(data) || 0, () => this.engine.hangup(ch, 'NORMAL_CLEARING'));
        return;
      case 'hangup':
        this.engine.hangup(ch, data || 'NORMAL_CLEARING');
        return;
      default:
        // "Invalid Application": FreeSWITCH hangs the channel up right away.
        this.later(ch, SIGNALLING_MS, () => this.engine.hangup(ch, 'DESTINATION_OUT_OF_ORDER'));
    }
  }

  /**
   * Where a call to `extension` goes, as switch_xml_locate finds it: with a mod_xml_curl binding the
   * fetched answer first (asked while the call is routing), else FreeSWITCH's own dialplan (the table).
   * `route` gets the result, at once or when the answer arrives.
   */
  resolveExtension(
    ch: Channel,
    extension: string,
    context: string,
    route: (target: DialplanTarget | undefined) => void,
  ): void {
    const lookup = this.lookupExtension;
    if (lookup === undefined) return route(this.dialplan(extension, context));
    void lookup(ch, extension, context).then(
      (fetched) => !ch.hungUp && route(fetched ?? this.dialplan(extension, context)),
    );
  }

  runExtension(ch: Channel, extension: string, dialplan: string, context: string): void {
    // the inline dialplan: `app:data` (one application, as the daemon sends it)
    if (dialplan.toLowerCase() === 'inline') {
      const colon = extension.indexOf(':');
      const app = colon === -1 ? extension : extension.slice(0, colon);
      return this.runApp(ch, app, colon === -1 ? '' : extension.slice(colon + 1));
    }
    this.resolveExtension(ch, extension, context, (target) => this.runTarget(ch, target));
  }

  /** Runs what an extension resolved to; nothing: no route. */
  runTarget(ch: Channel, target: DialplanTarget | undefined): void {
    if (!target) {
      this.engine.hangup(ch, 'NO_ROUTE_DESTINATION');
      return;
    }
    switch (target.kind) {
      case 'conference':
        return this.runApp(
          ch,
          'conference',
          target.data ?? `${target.name}@${target.profile ?? 'default'}`,
          target.caller,
        );
      case 'silence':
        if (target.hangupAfterMs === undefined) return this.runApp(ch, 'playback', 'silence_stream://-1');
        this.runApp(ch, 'playback', `silence_stream://${target.hangupAfterMs}`);
        return;
      case 'tone-loop': {
        ch.toneLoop = { toneMs: target.toneMs, silenceMs: target.silenceMs };
        // an endless tone: the channel stays up until someone hangs it up
        this.executing(ch, 'playback', `tone_stream://%(${target.toneMs},${target.silenceMs},800);loops=-1`);
        const member = ch.loopbackPeer && this.conferences.memberOfChannel(ch.loopbackPeer);
        if (member) this.conferences.startTalkLoop(member.member, target.toneMs, target.silenceMs);
        return;
      }
      case 'bridge':
        return this.runBridge(ch, target);
      case 'park':
        return this.runApp(ch, 'park', '');
      case 'echo':
        return this.runApp(ch, 'echo', '');
    }
  }

  /**
   * Once bridged, each SIP leg tells its phone whom it is connected to, B first (as recorded): B is
   * shown the caller id it was called with, A the callee the bridge reached.
   */
  private displayUpdates(a: Channel, b: Channel): void {
    const shown: Array<[Channel, Channel, string, string]> = [
      [b, a, b.profile.callerIdName, b.profile.callerIdNumber],
      [a, b, a.profile.calleeIdName ?? '', a.profile.calleeIdNumber ?? ''],
    ];
    for (const [leg, peer, name, number] of shown) {
      if (leg.endpoint !== 'sofia' || leg.direction !== 'outbound') continue;
      leg.sentCalleeName = name;
      leg.sentCalleeNumber = number;
      // the called leg's event shows its caller as bridged now (only this event: its later ones, in the
      // recordings, still show the originator as it was when the leg was created)
      const other = leg.other;
      if (leg === b && other?.type === 'originator')
        leg.other = { type: 'originator', profile: bridgedPartnerView(a.profile) };
      this.engine.callUpdate(leg, 'SEND', [
        ['Sent-Callee-ID-Name', name],
        ['Sent-Callee-ID-Number', number],
        ['Bridged-To', peer.uuid],
      ]);
      leg.other = other;
    }
  }

  /** An extension's bridge and what it does when the bridge fails (vanilla's Local_Extension shape). */
  private runBridge(ch: Channel, target: BridgeTarget): void {
    if (!this.start(ch, 'bridge', target.dialString)) return;
    this.bridge(ch, target.dialString, target.timeoutSec, (cause) => {
      if (!(target.continueOnFail ?? ALWAYS_CONTINUE.has(cause))) return this.engine.hangup(ch, cause);
      // the extension goes on: its `hangup` (with the bridge's cause), or its end
      const data = target.afterFailure?.hangup.replace('${originate_failed_cause}', cause) ?? '';
      this.engine.hangup(ch, data || 'NORMAL_CLEARING');
    });
  }

  private joinConference(ch: Channel, data: string, caller?: ConferenceCaller): void {
    // FreeSWITCH opens conference.conf on every join; a fetching hook is awaited first
    const prepared = this.conferences.prepare(data);
    if (prepared) {
      const join = () => !ch.hungUp && this.joinNow(ch, data, caller);
      void prepared.then(join, join);
      return;
    }
    this.joinNow(ch, data, caller);
  }

  private joinNow(ch: Channel, data: string, caller?: ConferenceCaller): void {
    // the conference mixes in L16: a SIP caller's read codec changes once it is in
    if (ch.endpoint === 'sofia') ch.readCodec = L16;
    const outcome = this.conferences.join(ch, data, undefined, caller);
    if (!outcome.ok) {
      this.later(ch, REFUSED_JOIN_HANGUP_MS, () => this.engine.hangup(ch, 'NORMAL_CLEARING'));
      return;
    }
    void this.controls?.bind(
      outcome.conf,
      outcome.member,
      outcome.leftoverDigits,
      dialVarOf(ch, 'conference_controls'),
    );
    const tone = ch.loopbackPeer?.toneLoop;
    if (tone) this.conferences.startTalkLoop(outcome.member, tone.toneMs, tone.silenceMs);
  }

  /**
   * `bridge(<dial string>)`: originate the B-leg; on answer bridge, on failure hang up with its cause.
   * A caller that is not answered yet (an inbound call) hears ringback while B rings and is answered
   * when B answers; an originated A-leg swaps caller and callee ids.
   */
  private bridge(
    a: Channel,
    data: string,
    timeoutSec?: number,
    onFail: (cause: string) => void = (cause) => this.engine.hangup(a, cause),
  ): void {
    const placer = this.placer;
    if (!placer) throw new Error('bridge before the placer is wired');
    const dial = parseDialString(data);
    const waiting = a.answerState !== 'answered';

    let answered = false;
    let ringback = false;
    // the caller hears ringback if the callee is still ringing a moment later
    const onRinging = (b: Channel): void => {
      if (!waiting) return;
      a.profile.times.progress = this.ctx.now();
      a.profile.calleeIdName = b.profile.calleeIdName;
      a.profile.calleeIdNumber = b.profile.calleeIdNumber;
      this.later(a, SIGNALLING_MS, () => {
        if (answered) return;
        ringback = true;
        a.callState = 'RINGING';
        this.vars.originating(a, b, true);
        this.engine.progress(a);
      });
    };
    const timeout = timeoutSec !== undefined ? { timeoutSec } : {};
    void placer.place({ dial, rawDial: data, originator: a, onRinging, ...timeout }).then((result) => {
      if (a.hungUp) {
        if (result.ok) this.engine.hangup(result.channel, 'ORIGINATOR_CANCEL');
        return;
      }
      if (a.direction === 'outbound') swapCallerCallee(a.profile);
      if (!result.ok) {
        if (result.channel) this.vars.bridgeFailed(a, result.channel, result.cause);
        onFail(result.cause);
        return;
      }
      const b = result.channel;
      answered = true;
      if (waiting && !ringback) this.vars.originating(a, b, false);
      a.profile.calleeIdName = b.profile.calleeIdName;
      a.profile.calleeIdNumber = b.profile.calleeIdNumber;
      // a caller that never heard ringback is seen afresh by the called leg (its view has the callee now)
      if (waiting && !ringback && b.other?.type === 'originator') b.other.profile = originatorView(a.profile);
      if (waiting) {
        a.callState = 'RINGING';
        a.setCodec(b.readCodec);
        this.engine.progressMedia(a);
        this.engine.answer(a);
      }
      a.other = { type: 'originatee', profile: originateeView(b.profile) };
      this.vars.bridged(a, b, !ringback);
      this.engine.bridge(a, b);
      this.vars.afterBridgeEvent(a);
      this.displayUpdates(a, b);
    });
  }
}
