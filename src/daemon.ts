// Wires the daemon together: store, one ESL client + state sync per FreeSWITCH node, the HTTP app.
// Everything here is start-up and shutdown; the behaviour lives in the modules it composes.
import type { AddressInfo } from 'node:net';
import type { WebSocketServer } from 'ws';
import { serve, type ServerType } from '@hono/node-server';
import type { Config } from './config.js';
import { EslClient } from './esl/client.js';
import { EslPool } from './esl/pool.js';
import { LiveSettingsApplier } from './fsconfig/live-settings.js';
import { startFsconfigServer, type FsconfigServer } from './fsconfig/server.js';
import { createApp, type AppDeps } from './http/app.js';
import { SharedWindowLimiter } from './http/rate-limit.js';
import { CALL_RATE_WINDOW_MS } from './http/routes/calls.js';
import type { Logger } from './log.js';
import { createDaemonMetrics } from './metrics/daemon-metrics.js';
import { LiveState } from './state/node-state.js';
import { NodeSync } from './state/resync.js';
import { ensureAdmin } from './store/ensure-admin.js';
import { openStore } from './store/open-store.js';
import { PostgresStore } from './store/postgres-store.js';
import type { Store } from './store/store.js';
import { healthReport } from './health.js';
import { EventStream, type EventStreamOptions } from './ws/event-stream.js';
import { createStreamServer } from './ws/route.js';
import { StoreDirectory } from './ws/store-directory.js';

/** Every event the live state needs; BACKGROUND_JOB is added by the client for bgapi. */
export const SUBSCRIBED_EVENTS = [
  'CHANNEL_CREATE',
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_ANSWER',
  'CHANNEL_BRIDGE',
  'CHANNEL_UNBRIDGE',
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
  /** Event stream tuning (tests use short heartbeats and small buffers). */
  stream?: Omit<EventStreamOptions, 'logger'>;
}

export interface Daemon {
  readonly url: string;
  readonly store: Store;
  readonly live: LiveState;
  readonly pool: EslPool;
  readonly syncs: ReadonlyMap<string, NodeSync>;
  readonly events: EventStream;
  /** Where FreeSWITCH's mod_xml_curl fetches configuration; undefined when FSCONFIG_SECRET is unset. */
  readonly fsconfigUrl: string | undefined;
  /** Applies saved settings to running conferences (settled() for tests). */
  readonly liveSettings: LiveSettingsApplier;
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

  const live = new LiveState();
  const directory = await StoreDirectory.load(store);
  const events = new EventStream(live, directory, {
    logger: logger.child({ part: 'events' }),
    ...options.stream,
  });
  directory.listen(events);
  const syncs = new Map<string, NodeSync>();
  const pool = new EslPool(config.eslNodes, (node) => {
    const client = new EslClient({
      node,
      logger: logger.child({ node: node.id }),
      requestTimeoutMs: config.eslRequestTimeoutMs,
      events: SUBSCRIBED_EVENTS,
      ...(options.eslBackoff ? { backoff: options.eslBackoff } : {}),
    });
    const onChange = events.onChange;
    syncs.set(node.id, new NodeSync(client, live, { logger: logger.child({ node: node.id }), onChange }));
    return client;
  });
  pool.start();
  const metrics = createDaemonMetrics({ esl: () => pool.all(), syncs, live, events });

  const app = createApp({
    store,
    logger,
    config,
    health: () => healthReport(pool, syncs, store.health()),
    live,
    esl: pool,
    events,
    metrics,
    ...(store instanceof PostgresStore ? { callLimiter: sharedCallLimiter(store, config, logger) } : {}),
    ...options.app,
  });

  const liveSettings = new LiveSettingsApplier({ live, esl: pool, logger });
  const stopLiveSettings = liveSettings.listen(store);
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

  const server = await listen(app.fetch, config.httpHost, config.httpPort, createStreamServer());
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info({ url, nodes: config.eslNodes.map((n) => n.id) }, 'listening');

  let stopped: Promise<void> | undefined;
  return {
    url,
    store,
    live,
    pool,
    syncs,
    events,
    fsconfigUrl: fsconfig?.url,
    liveSettings,
    stop: () =>
      (stopped ??= (async () => {
        stopLiveSettings();
        for (const sync of syncs.values()) sync.stop();
        directory.close();
        metrics.stop();
        // Upgraded sockets are not HTTP connections: close them, or the server never finishes closing.
        await events.close();
        await Promise.all([closeServer(server), fsconfig?.close(), pool.stop()]);
        await store.close();
        logger.info('stopped');
      })()),
  };
}

/** CALLS_PER_MINUTE counted once for every daemon sharing the PostgreSQL store. */
function sharedCallLimiter(store: PostgresStore, config: Config, logger: Logger): SharedWindowLimiter {
  const limit = { limit: config.callsPerMinute, windowMs: CALL_RATE_WINDOW_MS };
  const shared = store.rateWindows.window('click-to-call', limit.limit, limit.windowMs);
  return new SharedWindowLimiter(shared, limit, logger.child({ component: 'click-to-call' }));
}

function listen(
  fetch: Parameters<typeof serve>[0]['fetch'],
  hostname: string,
  port: number,
  websocket: WebSocketServer,
): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname, port, websocket: { server: websocket } }, () => resolve(server));
    server.once('error', reject);
  });
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive sockets of idle pollers must not hold shutdown open.
    if ('closeAllConnections' in server && typeof server.closeAllConnections === 'function')
      server.closeAllConnections();
  });
}
