// `uuid_hold` and `uuid_transfer` as FreeSWITCH 1.11.2's mod_commands answers them, and what they do
// to a call (test/fixtures/fs-transcripts/call-control-hold-transfer): hold fires CHANNEL_HOLD on the
// held leg (Channel-Call-State HELD) and resume CHANNEL_UNHOLD (UNHELD, ACTIVE again once the phone
// answered the re-INVITE); a blind transfer gives the leg a new caller profile routed to the
// extension, flips its caller id (CALL_UPDATE), and the leg it was bridged to, whose `bridge` has
// nothing left to run, unbridges and hangs up. `uuid_hold` answers +OK even for an unknown uuid.
import type { Applications } from './apps.js';
import type { CallEngine } from './calls.js';
import type { Channel } from './channel.js';
import type { ChannelVars } from './channel-vars.js';
import type { SimContext } from './context.js';
import { SIGNALLING_MS } from './originate.js';
import { SITES } from './sites.js';
import { transferToExtension } from './transfer.js';

export const HOLD_USAGE = '-USAGE: [off|toggle] <uuid> [<display>]\n';
export const TRANSFER_USAGE = '-USAGE: <uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]\n';
const OK_HOLD = '+OK Success\n';
const FAILED = '-ERR Operation failed\n';

export class CallControl {
  constructor(
    private readonly ctx: SimContext,
    private readonly engine: CallEngine,
    private readonly apps: Applications,
    private readonly vars: ChannelVars,
  ) {}

  /** `uuid_hold [off|toggle] <uuid> [<display>]`. */
  uuidHold(args: string): string {
    const argv = args.split(' ').filter(Boolean);
    if (argv.length < 1) return HOLD_USAGE;
    const [first = '', second] = argv;
    const verb = first.toLowerCase();
    const uuid = verb === 'off' || verb === 'toggle' ? second : first;
    const ch = uuid === undefined ? undefined : this.engine.get(uuid);
    // switch_ivr_hold_uuid and friends report success when no session has that uuid
    if (ch === undefined || ch.hungUp) return OK_HOLD;
    if (verb === 'off') return this.unhold(ch) ? OK_HOLD : FAILED;
    if (verb === 'toggle') {
      if (ch.callState === 'HELD') return this.unhold(ch) ? OK_HOLD : FAILED;
      return ch.callState === 'ACTIVE' || ch.callState === 'UNHELD' ? (this.hold(ch), OK_HOLD) : OK_HOLD;
    }
    return this.hold(ch) ? OK_HOLD : FAILED;
  }

  hold(ch: Channel): boolean {
    if (ch.callState === 'HELD') return false;
    ch.callState = 'HELD';
    ch.profile.times.lastHold = this.ctx.now();
    this.engine.fire(ch, 'CHANNEL_HOLD', SITES.channelHold);
    return true;
  }

  unhold(ch: Channel): boolean {
    if (ch.callState !== 'HELD') return false;
    const t = ch.profile.times;
    t.holdAccum += this.ctx.now() - t.lastHold;
    ch.callState = 'UNHELD';
    this.engine.fire(ch, 'CHANNEL_UNHOLD', SITES.channelUnhold);
    ch.timers.push(
      this.ctx.clock.schedule(SIGNALLING_MS, () => {
        if (!ch.hungUp && ch.callState === 'UNHELD') ch.callState = 'ACTIVE';
      }),
    );
    return true;
  }

  /** `uuid_transfer <uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]`. */
  uuidTransfer(args: string): string {
    const argv = args.split(' ').filter(Boolean);
    if (argv.length < 2 || argv.length > 5) return TRANSFER_USAGE;
    const ch = this.engine.get(argv[0]!);
    if (ch === undefined || ch.hungUp) return '-ERR No such channel!\n';
    let rest = argv.slice(1);
    let legs: Channel[] = [ch];
    if (rest[0]!.startsWith('-')) {
      const flag = rest[0]!.slice(1).toLowerCase();
      rest = rest.slice(1);
      const peer = ch.bridgedTo && !ch.bridgedTo.hungUp ? ch.bridgedTo : undefined;
      if (flag === 'bleg' && peer) legs = [peer];
      else if (flag === 'both' && peer) legs = [peer, ch];
    }
    const [extension, dialplan, context] = rest;
    for (const leg of legs) this.transfer(leg, extension ?? 'service', dialplan, context, legs.length > 1);
    return '+OK\n';
  }

  /** switch_ivr_session_transfer: the leg leaves its bridge and runs `extension`. */
  transfer(ch: Channel, extension: string, dialplan?: string, context?: string, keepPeer = false): void {
    const p = ch.profile;
    const plan = dialplan ?? (p.dialplan && p.dialplan.toLowerCase() !== 'inline' ? p.dialplan : 'XML');
    const ctxName = context ?? (p.context || 'default');
    const peer = ch.bridgedTo && !ch.bridgedTo.hungUp ? ch.bridgedTo : undefined;
    const bridging = peer && ch.other?.type === 'originator' ? peer : ch;
    transferToExtension(this.ctx, ch, extension, plan, ctxName);
    // the new profile has not been bridged (or held) yet
    p.times.bridged = 0;
    p.times.lastHold = 0;
    p.times.holdAccum = 0;
    this.vars.transferred(ch);
    ch.other = undefined;
    ch.callUuid = ch.uuid;
    ch.sentCalleeName = '';
    ch.sentCalleeNumber = '';
    ch.hitDialplan = true;
    ch.showDialplan = plan;
    ch.setState('CS_ROUTING', 2);
    if (ch.direction === 'outbound') this.apps.flip(ch);
    if (peer) {
      this.engine.endBridge(bridging);
      // the other side's bridge is over and it has nothing more to run
      if (!keepPeer) this.engine.hangup(peer, 'NORMAL_CLEARING');
    }
    this.apps.runExtension(ch, extension, plan, ctxName);
  }
}
