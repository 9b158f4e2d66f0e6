// Wires the daemon together: store, one ESL client + state sync per FreeSWITCH node, the HTTP app.
// Everything here is start-up and shutdown; the behaviour lives in the modules it composes.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Config } from './config.js';
import { Control, type ControlSettings } from './control/control.js';
import { compileDialPolicy } from './domain/dial-policy.js';
import { EslClient, type EslClientOptions } from './esl/client.js';
import { EslPool } from './esl/pool.js';
import type { LiveSettingsApplier } from './control/live-settings.js';
import type { ModeratorUnmuter } from './control/moderator-unmute.js';
import { startFsconfigServer, type FsconfigServer } from './fsconfig/server.js';
import { isAddressableName } from './domain/users.js';
import { createApp, type AppDeps } from './http/app.js';
import { ConnectionGuard, HTTP_SERVER_OPTIONS } from './net/connection-guard.js';
import { readOpenFileLimit, resolveConnectionLimits } from './net/connection-limits.js';
import { DEFAULT_GUARD_OPTIONS } from './http/auth-guard.js';
import type { AuthOptions } from './http/auth.js';
import { CALL_RATE_WINDOW_MS, SharedWindowLimiter } from './http/rate-limit.js';
import { SharedLoginThrottle } from './http/shared-login-throttle.js';
import type { Logger } from './log.js';
import { createDaemonMetrics, type DaemonMetrics } from './metrics/daemon-metrics.js';
import { LiveState } from './state/node-state.js';
import { NodeSync } from './state/resync.js';
import { ensureAdmin } from './store/ensure-admin.js';
import { openStore } from './store/open-store.js';
import { PostgresStore } from './store/postgres-store.js';
import type { Store } from './store/store.js';
import { healthReport } from './health.js';
import { EventStream, type EventStreamOptions } from './ws/event-stream.js';
import { createStreamServer } from './http/routes/event-stream.js';
import { StoreDirectory } from './ws/store-directory.js';

/** Every event the live state needs; BACKGROUND_JOB is added by the client for bgapi. */
export const SUBSCRIBED_EVENTS = [
  'CHANNEL_CREATE',
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_ANSWER',
  'CHANNEL_BRIDGE',
  'CHANNEL_UNBRIDGE',
  'CHANNEL_HOLD',
  'CHANNEL_UNHOLD',
  'CHANNEL_HANGUP',
  'CHANNEL_HANGUP_COMPLETE',
  'CHANNEL_DESTROY',
  'CUSTOM conference::maintenance',
] as const;

export interface DaemonOptions {
  config: Config;
  logger: Logger;
  /** Use this store instead of opening DATABASE_URL or DATA_DIR (tests, the demo). */
  store?: Store;
  /** Extra app dependencies (tests lower scrypt cost, tune auth). */
  app?: Partial<Pick<AppDeps, 'passwordScrypt' | 'auth'>>;
  /** ESL reconnect backoff (tests use short ones). */
  eslBackoff?: { initialMs: number; maxMs: number };
  /** ESL liveness tuning (tests and the freeze benchmark use short deadlines). */
  eslLiveness?: Pick<EslClientOptions, 'liveness' | 'handshakeTimeoutMs' | 'shutdownLingerMs'>;
  /** Event stream tuning (tests use short heartbeats and small buffers). */
  stream?: Omit<EventStreamOptions, 'logger'>;
  /** How long stop() lets in-flight requests finish; default SHUTDOWN_GRACE_MS. */
  shutdownGraceMs?: number;
}

/** How long stop() waits for in-flight requests before closing their connections. */
export const SHUTDOWN_GRACE_MS = 10_000;

export interface Daemon {
  readonly url: string;
  readonly store: Store;
  readonly live: LiveState;
  readonly pool: EslPool;
  readonly syncs: ReadonlyMap<string, NodeSync>;
  readonly events: EventStream;
  /** Everything the API asks of FreeSWITCH. */
  readonly control: Control;
  readonly metrics: DaemonMetrics;
  /** Where FreeSWITCH's mod_xml_curl fetches configuration; undefined when FSCONFIG_SECRET is unset. */
  readonly fsconfigUrl: string | undefined;
  /** Applies saved settings to running conferences (settled() for tests). */
  readonly liveSettings: LiveSettingsApplier;
  /** Unmutes moderators that join muted (settled() for tests). */
  readonly moderatorUnmuter: ModeratorUnmuter;
  /** The API listener's connection accounting (caps, evictions, requests in flight). */
  readonly connections: ConnectionGuard;
  /**
   * Stops accepting, answers 503 to requests that arrive on open connections, lets in-flight ones
   * finish (at most shutdownGraceMs), closes event streams (1001), then ESL sessions and the store.
   */
  stop(): Promise<void>;
}

export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  const { config, logger } = options;
  const store = options.store ?? (await openStore(config, logger));
  const adminResult = await ensureAdmin(
    store,
    config,
    options.app?.passwordScrypt ? { scrypt: options.app.passwordScrypt } : {},
  );
  if (adminResult === 'created') logger.info({ user: config.adminUser }, 'created the first admin');
  await warnUnaddressable(store, logger);

  const live = new LiveState();
  const directory = await StoreDirectory.load(store);
  const events = new EventStream(live, directory, {
    logger: logger.child({ part: 'events' }),
    ...options.stream,
  });
  directory.listen(events);
  const syncs = new Map<string, NodeSync>();
  live.changes.subscribe(events.onChanges);
  const pool: EslPool = new EslPool(config.eslNodes, (node) => {
    const client = new EslClient({
      node,
      logger: logger.child({ node: node.id }),
      requestTimeoutMs: config.eslRequestTimeoutMs,
      events: SUBSCRIBED_EVENTS,
      ...(options.eslBackoff ? { backoff: options.eslBackoff } : {}),
      ...options.eslLiveness,
    });
    syncs.set(node.id, new NodeSync(client, live, { logger: logger.child({ node: node.id }) }));
    return client;
  });
  const control = new Control({ live, pool, store, logger, settings: controlSettings(config) });
  const stopFollowing = control.follow(store);
  pool.start();

  // The guard is made with the server, after the app; the app and the metrics ask it lazily.
  const limits = resolveConnectionLimits(readOpenFileLimit(), config.eslNodes.length, {
    total: config.httpMaxConnections,
    perAddress: config.httpMaxConnectionsPerAddress,
  });
  if (limits.lowered)
    logger.warn(
      { openFiles: limits.openFiles, total: limits.total, perAddress: limits.perAddress },
      'HTTP_MAX_CONNECTIONS lowered to fit the open-file limit',
    );
  let guard: ConnectionGuard | undefined;
  const metrics = createDaemonMetrics({
    esl: () => pool.all(),
    syncs,
    live,
    events,
    connections: () => guard?.stats(),
  });
  const app = createApp({
    store,
    logger,
    settings: config,
    health: () => healthReport(pool, syncs, store.health()),
    live,
    control,
    events,
    metrics,
    stopping: () => guard?.draining ?? false,
    ...options.app,
    ...(store instanceof PostgresStore ? sharedLimits(store, config, logger, options.app?.auth) : {}),
  });

  let fsconfig: FsconfigServer | undefined;
  if (config.fsconfig !== undefined) {
    fsconfig = await startFsconfigServer(config.fsconfig, {
      store,
      logger,
      answer: {
        fsDomain: config.fsDomain,
        dialplanContext: config.dialplanContext,
        conferenceProfile: config.conferenceProfile,
        recordingsDir: config.recordingsDir,
      },
    });
    logger.info({ url: fsconfig.url }, 'fsconfig listening');
  } else logger.info('fsconfig listener off (FSCONFIG_SECRET not set)');

  const server = createAdaptorServer({
    fetch: app.fetch,
    hostname: config.httpHost,
    serverOptions: HTTP_SERVER_OPTIONS,
    websocket: { server: createStreamServer() },
  }) as Server;
  const connections = (guard = new ConnectionGuard(server, limits, logger.child({ part: 'http' })));
  await listen(server, config.httpHost, config.httpPort);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info(
    {
      url,
      nodes: config.eslNodes.map((n) => n.id),
      maxConnections: limits.total,
      perAddress: limits.perAddress,
    },
    'listening',
  );
  const graceMs = options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS;

  let stopped: Promise<void> | undefined;
  return {
    url,
    store,
    live,
    pool,
    syncs,
    events,
    control,
    metrics,
    fsconfigUrl: fsconfig?.url,
    liveSettings: control.liveSettings,
    moderatorUnmuter: control.moderatorUnmuter,
    connections,
    stop: () =>
      (stopped ??= (async () => {
        // No new connections, no new requests (503 on open ones), no keep-alive after this.
        connections.drain();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        if (!(await connections.settled(graceMs))) {
          // Too slow: no write may start from here on; one under way is saved and its answer sent.
          logger.warn(
            { inFlight: connections.stats().requestsInFlight },
            'requests still running at shutdown',
          );
          await store.close();
          await connections.settled(1000);
        }
        stopFollowing();
        for (const sync of syncs.values()) sync.stop();
        directory.close();
        metrics.stop();
        await events.close();
        connections.closeAll();
        await closed;
        await Promise.all([fsconfig?.close(), pool.stop()]);
        await store.close();
        logger.info('stopped');
      })()),
  };
}

/** What control/ runs commands and calls with, from the configuration. */
export function controlSettings(config: Config): ControlSettings {
  // loadConfig already refused a bad DIAL_ALLOW; failing here would be a wiring bug.
  const policy = compileDialPolicy(config.dialAllow);
  if (!policy.ok) throw new Error(`DIAL_ALLOW: ${policy.error}`);
  return {
    fsDomain: config.fsDomain,
    soundDir: config.soundDir,
    recordingsDir: config.recordingsDir,
    conferenceProfile: config.conferenceProfile,
    dialplanContext: config.dialplanContext,
    sipProfile: config.sipProfile,
    dialPolicy: policy.value,
    eslRequestTimeoutMs: config.eslRequestTimeoutMs,
    originateTimeoutS: config.originateTimeoutS,
  };
}

/**
 * CALLS_PER_MINUTE and the login throttle, counted once for every daemon sharing the PostgreSQL store
 * (unless the caller brings its own throttle).
 */
function sharedLimits(
  store: PostgresStore,
  config: Config,
  logger: Logger,
  auth: Partial<AuthOptions> | undefined,
): Pick<AppDeps, 'callLimiter' | 'auth'> {
  const limit = { limit: config.callsPerMinute, windowMs: CALL_RATE_WINDOW_MS };
  const shared = store.rateWindows.window('click-to-call', limit.limit, limit.windowMs);
  const callLimiter = new SharedWindowLimiter(shared, limit, logger.child({ component: 'click-to-call' }));
  if (auth?.throttle !== undefined) return { callLimiter, auth };
  const guard = { ...DEFAULT_GUARD_OPTIONS, now: Date.now, ...auth };
  const throttle = new SharedLoginThrottle(
    store.logins,
    guard,
    logger.child({ component: 'login-throttle' }),
  );
  return { callLimiter, auth: { ...auth, throttle } };
}

/** Names stored before `.`/`..` were refused: listed, but no URL can read, change or delete them. */
async function warnUnaddressable(store: Store, logger: Logger): Promise<void> {
  const users = (await store.listUsers()).map((u) => u.userName).filter((n) => !isAddressableName(n));
  const conferences = (await store.listConferences()).map((c) => c.name).filter((n) => !isAddressableName(n));
  if (users.length + conferences.length > 0)
    logger.warn(
      { users, conferences },
      "stored names '.'/'..' cannot be addressed in a URL; remove them from store.json while stopped",
    );
}

function listen(server: Server, hostname: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, hostname, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
