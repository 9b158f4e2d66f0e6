// The ESL client's public types: the node, options, events, counters and the bgapi job handle (client.ts).
import type { BackoffOptions } from '../domain/backoff.js';
import type { Logger } from '../log.js';
import type { EslEvent } from './events.js';
import type { LivenessOptions } from './liveness.js';

/** One FreeSWITCH node's Event Socket (an FS_ESL entry, parsed by config.ts). */
export interface EslNodeConfig {
  /** Stable node id used in state, logs and metrics: "host:port". */
  id: string;
  host: string;
  port: number;
  password: string;
}

export type EslConnectionState = 'connecting' | 'connected' | 'disconnected';

export interface EslClientOptions {
  node: EslNodeConfig;
  logger: Logger;
  /** Default time a request may wait for its reply, queueing included (bgapi: for the command/reply;
   * its BACKGROUND_JOB may take as long as the caller's `timeoutMs`). A written request that exceeds
   * it drops the session. */
  requestTimeoutMs: number;
  /** Entries for `event json ...`, e.g. ['CHANNEL_CREATE', 'CUSTOM conference::maintenance']. */
  events: readonly string[];
  /** Capped exponential backoff with jitter; defaults 250 / 30000 ms. After a session that stayed
   * up for `resetAfterMs` (default 10000) the next retry streak starts from the beginning again. */
  backoff?: BackoffOptions & { resetAfterMs?: number };
  /** Time for the TCP connect to be established (default 10000 ms). */
  connectTimeoutMs?: number;
  /** Time from an established TCP connection to an accepted subscription (default 60000 ms). */
  handshakeTimeoutMs?: number;
  /** HEARTBEAT deadline and probe timeout (liveness.ts). */
  liveness?: LivenessOptions;
  /** After a SHUTDOWN event, how long FreeSWITCH may take to close the socket (default 60000 ms). */
  shutdownLingerMs?: number;
}

/** A bgapi job: `accepted` settles when FreeSWITCH acknowledges it (or fails as `done` would). */
export interface EslJob {
  accepted: Promise<void>;
  done: Promise<string>;
}

export interface EslClientEvents {
  event: (event: EslEvent) => unknown;
  /** After auth AND the event subscription succeeded. */
  connected: () => unknown;
  disconnected: (reason: string) => unknown;
  state: (state: EslConnectionState) => unknown;
}

export interface EslClientStats {
  /** Connection attempts after the first one. */
  reconnects: number;
  eventsReceived: number;
  /** Event frames that could not be decoded, plus byte streams that lost their framing. */
  decodeErrors: number;
  listenerErrors: number;
  authFailures: number;
  /** Sessions dropped because neither a HEARTBEAT nor a probe's answer came in time. */
  livenessFailures: number;
  /** Sessions dropped because a written request got no reply in time. */
  stuckRequests: number;
}
