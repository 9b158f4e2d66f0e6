// The /health report: each FreeSWITCH node's connection and sync state, and the store's. Healthy only
// when every node is connected and its live state is synced (otherwise reads about it would answer
// 503) and the store is current (a daemon that cannot reach PostgreSQL serves the last known users and
// conferences for a while, but a load balancer should prefer one that can). A node that stopped
// talking (no HEARTBEAT and no answer to a probe) or announced its SHUTDOWN is disconnected.
import type { EslPool } from './esl/pool.js';
import type { NodeSync } from './state/resync.js';
import type { StoreHealth } from './store/store.js';

export interface NodeHealth {
  node: string;
  state: string;
  since: string;
  lastEventAt: string | null;
  sync: string;
  syncedAt: string | null;
  reconnects: number;
  /** Why the last session ended (e.g. a missed HEARTBEAT, FreeSWITCH's SHUTDOWN); null once connected. */
  lastDisconnect: string | null;
}

export function healthReport(
  pool: EslPool,
  syncs: ReadonlyMap<string, NodeSync>,
  store?: StoreHealth,
): { ok: boolean; body: { status: 'ok' | 'degraded'; nodes: NodeHealth[]; store?: StoreHealth } } {
  const nodes = pool.all().map((client): NodeHealth => {
    const sync = syncs.get(client.nodeId);
    return {
      node: client.nodeId,
      state: client.state,
      since: client.stateSince.toISOString(),
      lastEventAt: client.lastEventAt?.toISOString() ?? null,
      sync: sync?.status ?? 'unsynced',
      syncedAt: sync?.syncedAt?.toISOString() ?? null,
      reconnects: client.stats.reconnects,
      lastDisconnect: client.lastDisconnectReason ?? null,
    };
  });
  const ok =
    nodes.every((n) => n.state === 'connected' && n.sync === 'synced') && (store?.status ?? 'ok') === 'ok';
  return { ok, body: { status: ok ? 'ok' : 'degraded', nodes, ...(store ? { store } : {}) } };
}
