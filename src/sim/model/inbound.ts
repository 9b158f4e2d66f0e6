// A SIP phone calling in (sipp in the transcripts): the call is created, routed through the dialplan,
// answered by what it reaches (or ringing while a bridge rings), and hung up by the caller if asked.
import type { Applications } from './apps.js';
import type { CallEngine } from './calls.js';
import { PCMU, type Channel } from './channel.js';
import type { DialplanTarget } from './config.js';
import type { SimContext } from './context.js';
import { legMeta, sofiaInboundLeg } from './legs.js';
import type { ChannelVars } from './channel-vars.js';

export interface InboundCallOptions {
  /** The caller's user part and caller id number (`sofia/internal/<from>@<host>:<port>`). */
  from: string;
  /** Caller id name; defaults to `from`. */
  name?: string;
  /** The dialled extension. */
  to: string;
  host?: string;
  port?: number;
  /** The caller hangs up this long after the call is set up (BYE). */
  hangupAfterMs?: number;
  /**
   * The caller is sipp's built-in `uac` scenario (it puts the dialled number in the To display name,
   * sends Subject "Performance Test" and offers no telephone-event) rather than a scenario file.
   */
  builtinUac?: boolean;
}

export function inboundCall(
  ctx: SimContext,
  engine: CallEngine,
  apps: Applications,
  vars: ChannelVars,
  options: InboundCallOptions,
): string {
  const ch = sofiaInboundLeg(ctx, {
    user: options.from,
    callerIdName: options.name ?? options.from,
    destination: options.to,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 5090,
    ...(options.builtinUac ? { builtinUac: true } : {}),
  });
  ch.hitDialplan = true;
  engine.create(ch);
  apps.resolveExtension(ch, options.to, 'default', (target) =>
    route(ctx, engine, apps, vars, ch, options, target),
  );
  return ch.uuid;
}

/** The call is routed to `target`: answered unless it bridges, then it runs what the extension runs. */
function route(
  ctx: SimContext,
  engine: CallEngine,
  apps: Applications,
  vars: ChannelVars,
  ch: Channel,
  options: InboundCallOptions,
  target: DialplanTarget | undefined,
): void {
  ch.setState('CS_EXECUTE', 4);
  const bridging = target?.kind === 'bridge';
  if (target?.match) legMeta(ch).dpMatch = target.match;
  vars.routed(ch, bridging && target.dialString.startsWith('user/'));
  if (target && !bridging) {
    // answer (pre_answer, then answer) before the application runs
    vars.executing(ch, 'answer', '');
    ch.callState = 'RINGING';
    ch.setCodec(PCMU);
    engine.progressMedia(ch);
    engine.answer(ch);
    vars.answered(ch);
  }
  apps.runTarget(ch, target);
  // our 200 OK is acknowledged right away
  if (target && !bridging && !ch.hungUp) vars.acknowledged(ch);
  if (options.hangupAfterMs !== undefined && !ch.hungUp)
    ch.timers.push(
      ctx.clock.schedule(options.hangupAfterMs, () => engine.hangup(ch, 'NORMAL_CLEARING', 'recv_bye')),
    );
}
