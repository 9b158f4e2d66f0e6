// Placing a call: resolve the endpoint, create the leg(s), and ring / answer / fail them as the
// reachability table says. Failures that FreeSWITCH detects before creating a session
// (USER_NOT_REGISTERED, SUBSCRIBER_ABSENT, CHAN_NOT_IMPLEMENTED) fire no channel event at all.
import type { CallEngine } from './calls.js';
import type { Channel } from './channel.js';
import { PCMU } from './channel.js';
import type { Reachability, SimUser } from './config.js';
import type { SimContext } from './context.js';
import type { DialString } from './dial-string.js';
import { dialVar } from './dial-string.js';
import type { CallerId } from './profiles.js';
import { callerIdFor, legMeta, loopbackPair, sofiaOutboundLeg } from './legs.js';
import type { LegMeta } from './legs.js';
import type { CallerProfile } from './caller-profile.js';
import { originatorView } from './profiles.js';

/** The answered leg, or why it failed (with the leg, when one was created). */
export type PlaceResult = { ok: true; channel: Channel } | { ok: false; cause: string; channel?: Channel };

export interface PlaceRequest {
  dial: DialString;
  rawDial: string;
  /** Caller id from the originate arguments (or conference dial). */
  callerId?: Partial<CallerId>;
  timeoutSec?: number;
  /** The channel that runs `bridge` (the new leg is its originatee). */
  originator?: Channel;
  /** Called when the new leg rings (a caller waiting on a bridge hears ringback). */
  onRinging?: (leg: Channel) => void;
}

export interface Directory {
  user(name: string): SimUser | undefined;
  reach(target: string): Reachability | undefined;
  domain: string;
}

/** What the switch does with a loopback B-leg: run its extension. */
export type ExtensionRunner = (ch: Channel, extension: string, dialplan: string, context: string) => void;

/** Time between a leg's CREATE and its ringing, and between the answer and the next step. */
export const SIGNALLING_MS = 20;

export class Placer {
  constructor(
    private readonly ctx: SimContext,
    private readonly engine: CallEngine,
    private readonly directory: Directory,
    private readonly runExtension: ExtensionRunner,
  ) {}

  place(req: PlaceRequest): Promise<PlaceResult> {
    const ep = req.dial.endpoint;
    const uuid = dialVar(req.dial, 'origination_uuid') ?? this.ctx.uuid();
    if (this.engine.get(uuid)) return Promise.resolve({ ok: false, cause: 'INVALID_PROFILE' });
    const timeoutVar = Number(dialVar(req.dial, 'originate_timeout'));
    const timeoutSec = Number.isInteger(timeoutVar) && timeoutVar > 0 ? timeoutVar : (req.timeoutSec ?? 60);
    const caller = callerIdFor(req.dial.vars, req.originator, req.callerId ?? {});
    const role = req.originator ? 'bridge-b' : 'originate-a';
    const meta: Omit<LegMeta, 'remote' | 'originator'> = {
      role,
      dialVars: req.dial.vars,
      rawDial: req.rawDial,
    };
    switch (ep.type) {
      case 'unknown':
        return Promise.resolve({ ok: false, cause: 'CHAN_NOT_IMPLEMENTED' });
      case 'user': {
        const user = this.directory.user(ep.user);
        if (!user) return Promise.resolve({ ok: false, cause: 'SUBSCRIBER_ABSENT' });
        if (!user.contact) return Promise.resolve({ ok: false, cause: 'USER_NOT_REGISTERED' });
        const [host = '', portText] = user.contact.split(':');
        const domain = ep.domain ?? this.directory.domain;
        const remote = {
          user: ep.user,
          host,
          port: portText ? Number(portText) : undefined,
          ...(user.contactParams ? { params: user.contactParams } : {}),
        };
        const reach = this.reachOf(ep.user, remote.host, remote.port);
        const ch = sofiaOutboundLeg(this.ctx, {
          uuid,
          remote,
          caller,
          ...(req.originator ? { originator: req.originator } : {}),
          meta: {
            ...meta,
            ...(reach.phone ? { phone: reach.phone } : {}),
            dialedUser: { user: ep.user, domain, variables: user.variables ?? [] },
          },
          presenceId: `${ep.user}@${domain}`,
        });
        return this.ring(ch, reach, timeoutSec, req);
      }
      case 'sofia': {
        const remote = { user: ep.user, host: ep.host, port: ep.port };
        const reach = this.reachOf(ep.user, ep.host, ep.port);
        const ch = sofiaOutboundLeg(this.ctx, {
          uuid,
          remote,
          caller,
          ...(req.originator ? { originator: req.originator } : {}),
          meta: { ...meta, ...(reach.phone ? { phone: reach.phone } : {}) },
        });
        return this.ring(ch, reach, timeoutSec, req);
      }
      case 'loopback': {
        const [a, b] = loopbackPair(this.ctx, {
          uuid,
          extension: ep.extension,
          context: ep.context,
          caller,
          ...(req.originator ? { originator: req.originator } : {}),
          meta: { dialVars: req.dial.vars, rawDial: req.rawDial },
        });
        if (req.originator) {
          a.other = { type: 'originator', profile: originatorProfile(req.originator) };
          a.callUuid = req.originator.uuid;
        }
        this.engine.create(a);
        this.engine.create(b);
        a.setState('CS_CONSUME_MEDIA', 7);
        this.engine.answer(a);
        b.setState('CS_EXECUTE', 4);
        b.callState = 'RINGING';
        this.engine.answer(b);
        this.runExtension(b, ep.extension, ep.dialplan, ep.context);
        return new Promise<PlaceResult>((resolve) =>
          this.ctx.queue.afterFlush(() =>
            resolve(
              b.hungUp ? { ok: false, cause: b.hangupCause ?? 'NORMAL_CLEARING' } : { ok: true, channel: a },
            ),
          ),
        );
      }
    }
  }

  private reachOf(user: string, host: string, port: number | undefined): Reachability {
    const hostPort = port === undefined ? host : `${host}:${port}`;
    return (
      this.directory.reach(`${user}@${hostPort}`) ?? this.directory.reach(hostPort) ?? { kind: 'unreachable' }
    );
  }

  /** An outbound SIP leg rings, then answers or fails as its destination behaves. */
  private ring(
    ch: Channel,
    reach: Reachability,
    timeoutSec: number,
    req: PlaceRequest,
  ): Promise<PlaceResult> {
    const originator = legOriginator(ch);
    if (originator) {
      ch.other = { type: 'originator', profile: originatorProfile(originator) };
      ch.callUuid = originator.uuid;
      originator.pendingLegs.push(ch);
    }
    this.engine.create(ch);
    return new Promise<PlaceResult>((resolve) => {
      const settled = (result: PlaceResult): void => {
        if (originator) originator.pendingLegs.splice(originator.pendingLegs.indexOf(ch) >>> 0, 1);
        // The result goes out right after the events so far: an originate's reply follows its ANSWER
        // (or HANGUP), as the BACKGROUND_JOB does in the transcripts.
        this.ctx.queue.afterFlush(() => resolve(result));
      };
      // A refused INVITE (486) is reported after the leg's HANGUP_COMPLETE, other failures right
      // after its HANGUP, as in the transcripts.
      const failed = (): void =>
        settled({ ok: false, cause: ch.hangupCause ?? 'NORMAL_CLEARING', channel: ch });
      if (reach.kind === 'busy') ch.completeListeners.push(failed);
      else ch.hangupListeners.push(failed);
      const fail = (cause: string, how: 'send_cancel' | 'recv_refuse' | 'unreachable'): void =>
        this.engine.hangup(ch, cause, how);
      const remoteReplied = (): void => {
        const host = legRemoteHost(ch);
        if (host) ch.profile.networkAddr = host;
      };
      ch.setState('CS_CONSUME_MEDIA', 7);
      if (reach.kind === 'unreachable') {
        fail('NORMAL_TEMPORARY_FAILURE', 'unreachable');
        return;
      }
      const timeoutMs = timeoutSec * 1000;
      if (reach.kind === 'busy') {
        ch.timers.push(
          this.ctx.clock.schedule(reach.afterMs ?? 300, () => {
            remoteReplied();
            fail('USER_BUSY', 'recv_refuse');
          }),
        );
        return;
      }
      remoteReplied();
      this.engine.progress(ch);
      req.onRinging?.(ch);
      const noAnswer = (): void => {
        ch.callState = 'RINGING';
        fail('NO_ANSWER', 'send_cancel');
      };
      if (reach.kind === 'no-answer' || (reach.afterMs ?? 0) >= timeoutMs) {
        ch.timers.push(this.ctx.clock.schedule(timeoutMs, noAnswer));
        return;
      }
      const answer = (): void => {
        ch.callState = 'RINGING';
        ch.setCodec(PCMU);
        this.engine.answer(ch);
        ch.hangupListeners.length = 0;
        ch.completeListeners.length = 0;
        if (reach.hangupAfterMs !== undefined)
          ch.timers.push(
            this.ctx.clock.schedule(reach.hangupAfterMs, () =>
              this.engine.hangup(ch, 'NORMAL_CLEARING', 'recv_bye'),
            ),
          );
        settled({ ok: true, channel: ch });
      };
      if ((reach.afterMs ?? 0) === 0) answer();
      else ch.timers.push(this.ctx.clock.schedule(reach.afterMs ?? 0, answer));
    });
  }
}

function legOriginator(ch: Channel): Channel | undefined {
  return legMeta(ch).originator;
}

function legRemoteHost(ch: Channel): string | undefined {
  return legMeta(ch).remote?.host;
}

function originatorProfile(originator: Channel): CallerProfile {
  return originatorView(originator.profile);
}
