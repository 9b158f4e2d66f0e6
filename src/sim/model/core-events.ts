// The core's own events: HEARTBEAT (switch_core.c send_heartbeat, every `event-heartbeat-interval`,
// 20 s by default) and SHUTDOWN (switch_core_destroy, first thing on `fsctl shutdown` or SIGTERM,
// before the calls are hung up and long before ESL clients are disconnected). Headers and their order
// are copied from the transcripts: click-to-call-dialplan-ext.txt (HEARTBEAT, JSON) and
// disconnect-fsctl-events.txt (SHUTDOWN, plain).
import type { CallEngine } from './calls.js';
import type { SimContext } from './context.js';
import { upTimeText } from './core-api.js';
import type { CallSite } from './sites.js';

export const HEARTBEAT_SITE: CallSite = { file: 'switch_core.c', func: 'send_heartbeat', line: 95 };
export const SHUTDOWN_SITE: CallSite = { file: 'switch_core.c', func: 'switch_core_destroy', line: 3033 };

/** FreeSWITCH's default `event-heartbeat-interval` (switch.conf), in ms. */
export const DEFAULT_HEARTBEAT_MS = 20_000;

/** Fires one HEARTBEAT with the switch's uptime and session counters. */
export function fireHeartbeat(ctx: SimContext, engine: CallEngine): void {
  const uptimeMicros = Math.max(0, ctx.now() - ctx.startedAt);
  ctx.fire('HEARTBEAT', HEARTBEAT_SITE, [
    ['Event-Info', 'System Ready'],
    ['Up-Time', upTimeText(uptimeMicros)],
    ['FreeSWITCH-Version', '1.11.2-release~64bit'],
    ['Uptime-msec', String(Math.floor(uptimeMicros / 1000))],
    ['Session-Count', String(engine.channels.size)],
    ['Max-Sessions', '1000'],
    ['Session-Per-Sec', '30'],
    ['Session-Per-Sec-Last', '0'],
    ['Session-Per-Sec-Max', '4'],
    ['Session-Per-Sec-FiveMin', '4'],
    ['Session-Since-Startup', String(ctx.sessionsSinceStart)],
    ['Session-Peak-Max', String(ctx.peakSessions)],
    ['Session-Peak-FiveMin', String(ctx.peakSessions)],
    ['Idle-CPU', '98.270000'],
  ]);
}

/** Fires SHUTDOWN; from now on `status` says "not ready", as switch_core_ready() does. */
export function fireShutdown(ctx: SimContext): void {
  ctx.ready = false;
  ctx.fire('SHUTDOWN', SHUTDOWN_SITE, [['Event-Info', 'System Shutting Down']]);
}
