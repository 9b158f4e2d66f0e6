// A SIP phone calling in (sipp in the transcripts): the call is created, routed through the dialplan,
// answered by what it reaches (or ringing while a bridge rings), and hung up by the caller if asked.
import type { Applications } from './apps.js';
import type { CallEngine } from './calls.js';
import { PCMU } from './channel.js';
import type { SimContext } from './context.js';
import { sofiaInboundLeg } from './legs.js';

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
}

export function inboundCall(
  ctx: SimContext,
  engine: CallEngine,
  apps: Applications,
  options: InboundCallOptions,
): string {
  const ch = sofiaInboundLeg(ctx, {
    user: options.from,
    callerIdName: options.name ?? options.from,
    destination: options.to,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 5090,
  });
  ch.hitDialplan = true;
  engine.create(ch);
  const target = apps.target(options.to);
  ch.setState('CS_EXECUTE', 4);
  if (target && target.kind !== 'bridge') {
    // answer (pre_answer, then answer) before the application runs
    ch.callState = 'RINGING';
    ch.setCodec(PCMU);
    engine.progressMedia(ch);
    engine.answer(ch);
  }
  apps.runExtension(ch, options.to, 'XML', 'default');
  if (options.hangupAfterMs !== undefined && !ch.hungUp)
    ch.timers.push(ctx.clock.schedule(options.hangupAfterMs, () => engine.hangup(ch, 'NORMAL_CLEARING')));
  return ch.uuid;
}
