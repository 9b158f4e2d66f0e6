// The simulated FreeSWITCH's telephony model behind the ESL server: `execute(command, args)` answers api
// commands as FreeSWITCH 1.11.2 does, and everything that happens is published on the event bus. The
// demo and the tests script the world through the configuration tables and the methods below.
import type { SimApi, SimEventBus, SimIdentity } from '../types.js';
import { Applications } from './apps.js';
import { ChannelVars } from './channel-vars.js';
import { CallControl } from './call-control.js';
import { CallEngine } from './calls.js';
import { ConferenceCalls, MEMBER_EXIT_MS } from './conference-calls.js';
import type { Channel } from './channel.js';
import type { SimClock } from './clock.js';
import { ManualClock, RealClock } from './clock.js';
import type { ConferenceApiHost } from './conference-api.js';
import { conferenceApi } from './conference-api.js';
import { Conferences } from './conferences.js';
import { ControlBinder } from './conference-controls.js';
import { legMeta } from './legs.js';
import type { DialplanTarget, ExtensionLookup, JoinHooks, Reachability, SimUser } from './config.js';
import { vanillaUserVariables } from './config.js';
import { SimContext, type RecordingSink } from './context.js';
import { hupall, showCommand, statusReply, uuidDump, uuidKill, VERSION_REPLY } from './core-api.js';
import { DEFAULT_HEARTBEAT_MS, fireHeartbeat, fireShutdown } from './core-events.js';
import { parseOriginate } from './dial-string.js';
import { EventQueue } from './event-queue.js';
import { createSimIdentity } from './identity.js';
import { inboundCall, type InboundCallOptions } from './inbound.js';
import { Placer, SIGNALLING_MS } from './originate.js';
import type { ConferenceSounds } from './sounds.js';
import { LAB_SOUNDS } from './sounds.js';

export interface SimSwitchOptions {
  bus: SimEventBus;
  identity?: SimIdentity;
  /** Real time by default; tests pass a ManualClock. */
  clock?: SimClock;
  /** The SIP domain of the directory (`user/1000` -> presence `1000@<domain>`). */
  domain?: string;
  users?: Record<string, SimUser>;
  reachability?: Record<string, Reachability>;
  dialplan?: Record<string, DialplanTarget>;
  sounds?: ConferenceSounds;
  /** Conference settings and moderator decisions (issue 7). */
  joinHooks?: JoinHooks;
  /** Asked for extensions the dialplan table does not have (a mod_xml_curl client, issue 7). */
  extensionLookup?: ExtensionLookup;
  /** Whether `say`/`saymember` work (a TTS module is loaded). Default true. */
  tts?: boolean;
  /** Writes conference recordings (the demo, recording tests); none by default. */
  recordingSink?: RecordingSink;
  /** Where the global member-id and session counters start (the transcripts' FreeSWITCH was at 13). */
  firstMemberId?: number;
  firstSessionId?: number;
  /** The SIP profile's codec preferences (`global_codec_prefs`); default PCMU,PCMA as in the first lab. */
  codecPrefs?: string[];
}

export class SimSwitch implements SimApi {
  readonly identity: SimIdentity;
  readonly clock: SimClock;
  private readonly ctx: SimContext;
  private readonly queue: EventQueue;
  private readonly engine: CallEngine;
  private readonly conferences: Conferences;
  private readonly apps: Applications;
  private readonly placer: Placer;
  private readonly users = new Map<string, SimUser>();
  private readonly reach = new Map<string, Reachability>();
  private readonly plan = new Map<string, DialplanTarget>();
  private readonly confHost: ConferenceApiHost;
  private readonly vars: ChannelVars;
  private readonly confCalls: ConferenceCalls;
  private readonly callControl: CallControl;

  constructor(options: SimSwitchOptions) {
    this.identity = options.identity ?? createSimIdentity();
    this.clock = options.clock ?? new RealClock();
    this.queue = new EventQueue(options.bus);
    this.ctx = new SimContext(
      this.clock,
      this.identity,
      this.queue,
      options.domain ?? '127.0.0.1',
      options.firstMemberId ?? 1,
      options.firstSessionId ?? 1,
    );
    if (options.codecPrefs) this.ctx.codecPrefs = options.codecPrefs;
    this.ctx.recordingSink = options.recordingSink;
    for (const [name, user] of Object.entries(options.users ?? {})) this.setUser(name, user);
    for (const [target, r] of Object.entries(options.reachability ?? {})) this.reach.set(target, r);
    for (const [ext, t] of Object.entries(options.dialplan ?? {})) this.plan.set(ext, t);
    const vars = new ChannelVars(this.ctx);
    this.engine = new CallEngine(this.ctx, {
      applyVars: (ch, step) => vars.apply(ch, step),
      onHangup: (ch) => this.channelHungUp(ch),
    });
    this.conferences = new Conferences(
      this.ctx,
      options.sounds ?? LAB_SOUNDS,
      { hangupChannel: (ch, cause) => this.engine.hangup(ch, cause) },
      options.joinHooks,
    );
    this.apps = new Applications(
      this.ctx,
      this.engine,
      this.conferences,
      (ext) => this.dialplanTarget(ext),
      vars,
    );
    this.vars = vars;
    this.placer = new Placer(
      this.ctx,
      this.engine,
      {
        user: (name) => this.users.get(name),
        reach: (target) => this.reach.get(target),
        domain: this.ctx.domain,
      },
      (ch, ext, dialplan, context) => this.apps.runExtension(ch, ext, dialplan, context),
    );
    this.apps.placer = this.placer;
    const lookup = options.extensionLookup;
    if (lookup)
      this.apps.lookupExtension = (ch, extension, context) =>
        lookup({
          extension,
          context,
          channelUuid: ch.uuid,
          channelName: ch.name,
          callerIdName: ch.profile.callerIdName,
          callerIdNumber: ch.profile.callerIdNumber,
          username: ch.profile.username ?? '',
          // the simulated phones are the directory's users: their calls in are digest-authenticated
          ...(ch.endpoint === 'sofia' &&
          ch.direction === 'inbound' &&
          this.users.has(ch.profile.username ?? '')
            ? { authenticatedUser: ch.profile.username ?? '' }
            : {}),
          direction: ch.direction,
          ...(legMeta(ch).dialedUser ? { dialedUser: legMeta(ch).dialedUser!.user } : {}),
          variables: legMeta(ch).dialVars,
        });
    this.callControl = new CallControl(this.ctx, this.engine, this.apps, vars);
    this.confCalls = new ConferenceCalls(this.ctx, this.placer, this.apps, this.conferences);
    this.confHost = this.conferenceHost(options.tts ?? true);
    this.apps.controls = new ControlBinder(this.confHost, options.joinHooks ?? {});
    if (this.clock instanceof ManualClock) this.clock.setSettler(() => this.settle());
  }

  // ---------- configuration ----------

  setUser(name: string, user: SimUser | undefined): void {
    if (!user) this.users.delete(name);
    else this.users.set(name, { ...user, variables: user.variables ?? vanillaUserVariables(name) });
  }

  /** `host:port` or `user@host:port`; undefined removes the entry (then nothing answers there). */
  setReachability(target: string, reach: Reachability | undefined): void {
    if (reach) this.reach.set(target, reach);
    else this.reach.delete(target);
  }

  setDialplan(extension: string, target: DialplanTarget | undefined): void {
    if (target) this.plan.set(extension, target);
    else this.plan.delete(extension);
  }

  /**
   * The table entry, or vanilla's Local_Extension (bridge to a directory user): for users 1000-1019
   * as vanilla's `^(10[01][0-9])$` when the daemon's dialplan is fetched too, for any directory user
   * when the simulator stands alone (the demo and the tests without mod_xml_curl).
   */
  private dialplanTarget(extension: string): DialplanTarget | undefined {
    const target = this.plan.get(extension);
    if (target) return target;
    const local = this.apps.lookupExtension === undefined || /^10[01][0-9]$/.test(extension);
    return local && this.users.has(extension)
      ? { kind: 'bridge', dialString: `user/${extension}@${this.ctx.domain}` }
      : undefined;
  }

  // ---------- SimApi ----------

  async execute(command: string, args: string): Promise<string> {
    switch (command) {
      case 'originate':
        return this.originate(args);
      case 'conference':
        return conferenceApi(this.confHost, args);
      case 'show':
        return showCommand(this.engine, this.ctx, args);
      case 'status':
        return statusReply(this.engine, this.ctx);
      case 'version':
        return VERSION_REPLY;
      case 'uuid_kill':
        return uuidKill(this.engine, args);
      case 'uuid_dump':
        return uuidDump(this.engine, this.ctx, args);
      case 'uuid_hold':
        return this.callControl.uuidHold(args);
      case 'uuid_transfer':
        return this.callControl.uuidTransfer(args);
      case 'hupall':
        return hupall(this.engine, args);
      case 'global_getvar':
        return this.globalGetvar(args.trim());
      default:
        return `-ERR ${command} Command not found!\n`;
    }
  }

  private globalGetvar(name: string): string {
    const globals: Record<string, string> = {
      domain: this.ctx.domain,
      hostname: this.identity.hostname,
      local_ip_v4: this.identity.ipv4,
      core_uuid: this.identity.coreUuid,
    };
    if (!name)
      return Object.entries(globals)
        .map(([k, v]) => `${k}=${v}\n`)
        .join('');
    return globals[name] ?? '';
  }

  private async originate(args: string): Promise<string> {
    const parsed = parseOriginate(args);
    if (!parsed.ok) return parsed.reply;
    const { dial, rawDial, then, callerIdName, callerIdNumber, timeoutSec } = parsed.args;
    const result = await this.placer.place({
      dial,
      rawDial,
      callerId: {
        ...(callerIdName ? { name: callerIdName } : {}),
        ...(callerIdNumber ? { number: callerIdNumber } : {}),
      },
      ...(timeoutSec ? { timeoutSec } : {}),
    });
    if (!result.ok) return `-ERR ${result.cause}\n`;
    const ch = result.channel;
    ch.timers.push(this.clock.schedule(SIGNALLING_MS, () => !ch.hungUp && this.apps.afterAnswer(ch, then)));
    return `+OK ${ch.uuid}\n`;
  }

  // ---------- conferences ----------

  private conferenceHost(tts: boolean): ConferenceApiHost {
    return {
      ctx: this.ctx,
      conferences: this.conferences,
      tts,
      removeMember: (conf, member, reason) => {
        this.clock.schedule(MEMBER_EXIT_MS, () => this.conferences.leave(conf, member, reason));
      },
      dial: async (confName, profile, target, cidNumber, cidName) => {
        const placed = await this.confCalls.place(confName, profile, target, cidNumber, cidName);
        return placed.cause;
      },
      bgdial: (confName, profile, target, jobUuid, cidNumber, cidName) => {
        void this.confCalls.place(confName, profile, target, cidNumber, cidName, jobUuid);
      },
      transfer: (from, member, toName, toProfile) => this.confCalls.transfer(from, member, toName, toProfile),
    };
  }

  private channelHungUp(ch: Channel): void {
    const found = this.conferences.memberOfChannel(ch);
    if (found) this.conferences.leave(found.conf, found.member, 'hangup');
  }

  // ---------- scripting (demo, tests) ----------

  /** A SIP phone calls in (e.g. `{ from: '1007', name: 'Grace', to: '3900' }`); returns the channel uuid. */
  inboundCall(options: InboundCallOptions): string {
    return inboundCall(this.ctx, this.engine, this.apps, this.vars, options);
  }

  /** A member starts or stops talking (start-talking / stop-talking, floor changes). */
  setTalking(memberId: number, talking: boolean): boolean {
    return this.conferences.setTalking(memberId, talking);
  }

  /** Hangs a channel up as if the far end did (BYE). */
  hangup(uuid: string, cause = 'NORMAL_CLEARING'): boolean {
    const ch = this.engine.get(uuid);
    if (!ch || ch.hungUp) return false;
    this.engine.hangup(ch, cause);
    return true;
  }

  /** Live channel uuids and conference names (for the demo's narration). */
  snapshot(): { channels: string[]; conferences: Array<{ name: string; members: number[] }> } {
    return {
      channels: [...this.engine.channels.keys()],
      conferences: this.conferences.all().map((c) => ({ name: c.name, members: c.members.map((m) => m.id) })),
    };
  }

  /**
   * Fires HEARTBEAT every `intervalMs` on the switch's clock until the returned function is called.
   * While `frozen`, no heartbeat is fired (a stopped FreeSWITCH's scheduler does not run either).
   */
  startHeartbeats(intervalMs = DEFAULT_HEARTBEAT_MS): () => void {
    if (!(intervalMs > 0)) throw new RangeError('heartbeat interval must be > 0');
    let cancel = (): void => undefined;
    const tick = (): void => {
      if (!this.frozen) fireHeartbeat(this.ctx, this.engine);
      cancel = this.clock.schedule(intervalMs, tick);
    };
    cancel = this.clock.schedule(intervalMs, tick);
    return () => cancel();
  }

  /** Set by the simulator's freeze switch (start.ts): see startHeartbeats. */
  frozen = false;

  /** Whether `status` says ready (false once a shutdown began). */
  get ready(): boolean {
    return this.ctx.ready;
  }

  /** What switch_core_destroy does first: SHUTDOWN to every subscriber, then every call is hung up. */
  async beginShutdown(): Promise<void> {
    fireShutdown(this.ctx);
    await this.shutdown();
  }

  /** Resolves once every event produced so far has been published. */
  async settle(): Promise<void> {
    for (let i = 0; i < 1000 && this.queue.busy; i++) await new Promise<void>((r) => setImmediate(r));
  }

  /** Hangs everything up (no events after this returns and settles) and stops real-time timers. */
  async shutdown(): Promise<void> {
    hupall(this.engine, 'SYSTEM_SHUTDOWN');
    await this.settle();
    if (this.clock instanceof RealClock) this.clock.cancelAll();
  }
}
