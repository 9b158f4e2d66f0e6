// What the HTTP app is built from. Every route family gets the same object; nothing in it is
// optional except tuning, so a route never has to ask whether FreeSWITCH is attached.
import type { Hono } from 'hono';
import type { Control } from '../control/control.js';
import type { ScryptParams } from '../domain/passwords.js';
import type { Logger } from '../log.js';
import type { DaemonMetrics } from '../metrics/daemon-metrics.js';
import type { LiveState } from '../state/node-state.js';
import type { Store } from '../store/store.js';
import type { EventStream } from '../ws/event-stream.js';
import type { AuthOptions } from './auth.js';
import type { AppEnv } from './context.js';
import type { RateLimiter } from './rate-limit.js';

/** The configuration the API itself reads (config.ts builds it from the environment). */
export interface HttpSettings {
  /** CALLS_PER_MINUTE: click-to-calls, and transfers, per user. */
  callsPerMinute: number;
  /** FS_DOMAIN: the SIP domain of users created through the API. */
  fsDomain: string | undefined;
  /** METRICS_OPEN: GET /metrics without authentication. */
  metricsOpen: boolean;
  /** TRUSTED_PROXIES: whose X-Forwarded-For names the client. */
  trustedProxies: readonly string[];
}

export interface AppDeps {
  store: Store;
  logger: Logger;
  settings: HttpSettings;
  /** GET /health (no auth): 200 if ok else 503, JSON body as given. */
  health: () => { ok: boolean; body: unknown };
  /** Live conference and call state, kept from ESL events: every read is answered from it. */
  live: LiveState;
  /** Everything that writes to FreeSWITCH: conference commands, click-to-call, call control. */
  control: Control;
  /** The live event stream (GET /events over WebSocket). */
  events: EventStream;
  /** Prometheus metrics: counts every request, served at GET /metrics (admin). */
  metrics: DaemonMetrics;
  /** True once shutdown has begun: every new request is answered 503 before it can change anything. */
  stopping: () => boolean;
  /** scrypt cost for passwords set through the API; default N = 2^14. Tests lower it. */
  passwordScrypt?: ScryptParams;
  /** Auth tuning (cache TTL, failure limits, clock); defaults in auth.ts. */
  auth?: Partial<AuthOptions>;
  /** Click-to-call's CALLS_PER_MINUTE counter; default: in this process (shared: SharedWindowLimiter). */
  callLimiter?: RateLimiter;
}

export type RouteFamily = (app: Hono<AppEnv>, deps: AppDeps) => void;
