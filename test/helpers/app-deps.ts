// The HTTP app's dependencies built for real around a store, with no FreeSWITCH node attached: an
// empty live state unless one is given (reads of it answer 503 as they would while every node is away), a Control over
// an empty node pool, a real event stream and real metrics. What the app gets in production, minus
// FreeSWITCH.
import type { Config } from '../../src/config.js';
import { Control } from '../../src/control/control.js';
import { controlSettings } from '../../src/daemon.js';
import { EslPool } from '../../src/esl/pool.js';
import type { AppDeps } from '../../src/http/app.js';
import type { Logger } from '../../src/log.js';
import { createDaemonMetrics } from '../../src/metrics/daemon-metrics.js';
import { LiveState } from '../../src/state/node-state.js';
import type { Store } from '../../src/store/store.js';
import { EventStream } from '../../src/ws/event-stream.js';
import { StoreDirectory } from '../../src/ws/store-directory.js';

export interface DetachedDeps {
  deps: AppDeps;
  /** Stops the stream's heartbeat, the metrics sampling and the directory's store subscription. */
  close(): Promise<void>;
}

export async function detachedAppDeps(
  store: Store,
  logger: Logger,
  config: Config,
  extra: Partial<AppDeps> = {},
): Promise<DetachedDeps> {
  const live = extra.live ?? new LiveState();
  const pool = new EslPool([], () => {
    throw new Error('no FreeSWITCH node in this app');
  });
  const directory = await StoreDirectory.load(store);
  const events = new EventStream(live, directory, { logger });
  directory.listen(events);
  const metrics = createDaemonMetrics({ esl: () => [], syncs: new Map(), live, events });
  const control = new Control({ live, pool, store, logger, settings: controlSettings(config) });
  const deps: AppDeps = {
    store,
    logger,
    settings: config,
    health: () => ({ ok: true, body: { status: 'ok' } }),
    live,
    control,
    events,
    metrics,
    stopping: () => false,
    ...extra,
  };
  return {
    deps,
    close: async () => {
      metrics.stop();
      directory.close();
      await events.close();
    },
  };
}
