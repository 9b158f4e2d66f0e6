// Per FreeSWITCH node: the ESL connection (state, reconnects, events, decode errors, auth failures),
// the live state's sync, and what is live on it (calls, channels, conferences, members). Everything is
// read from the objects that own it when Prometheus scrapes, so the event path pays nothing.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { EslClientStats, EslConnectionState } from '../esl/client.js';
import { isLive } from '../state/active-cdr.js';
import type { LiveState, NodeState } from '../state/node-state.js';
import type { NodeSync } from '../state/resync.js';
import { EventRate } from './event-rate.js';

/** What the metrics read of one ESL client. */
export interface EslNodeSource {
  readonly nodeId: string;
  readonly state: EslConnectionState;
  readonly stats: Readonly<EslClientStats>;
}

export interface NodeSources {
  esl: () => Iterable<EslNodeSource>;
  syncs: ReadonlyMap<string, Pick<NodeSync, 'status' | 'stats'>>;
  live: LiveState;
}

const STATES: readonly EslConnectionState[] = ['connecting', 'connected', 'disconnected'];

export interface NodeMetrics {
  /** Samples the event counters for the events-per-second gauge (call about once a second). */
  sample(now: number): void;
}

export function createNodeMetrics(registry: Registry, prefix: string, sources: NodeSources): NodeMetrics {
  const rates = new Map<string, EventRate>();
  const rateOf = (nodeId: string) => {
    let rate = rates.get(nodeId);
    if (rate === undefined) rates.set(nodeId, (rate = new EventRate()));
    return rate;
  };
  const sample = (now: number) => {
    for (const client of sources.esl()) rateOf(client.nodeId).record(now, client.stats.eventsReceived);
  };

  // Every per-node series reads its values from the objects that own them, on each scrape.
  type NodeValues = () => Iterable<readonly [node: string, value: number]>;
  const nodeGauge = (name: string, help: string, values: NodeValues) =>
    new Gauge({
      name: `${prefix}${name}`,
      help,
      labelNames: ['node'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [node, value] of values()) this.set({ node }, value);
      },
    });
  const nodeCounter = (name: string, help: string, values: NodeValues) =>
    new Counter({
      name: `${prefix}${name}`,
      help,
      labelNames: ['node'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [node, value] of values()) this.inc({ node }, value);
      },
    });
  const perClient = (read: (client: EslNodeSource) => number): NodeValues =>
    function* () {
      for (const client of sources.esl()) yield [client.nodeId, read(client)] as const;
    };
  const perSync = (read: (sync: Pick<NodeSync, 'status' | 'stats'>) => number): NodeValues =>
    function* () {
      for (const [node, sync] of sources.syncs) yield [node, read(sync)] as const;
    };
  const perLiveNode = (read: (node: NodeState | undefined) => number): NodeValues =>
    function* () {
      for (const node of sources.live.nodeIds()) yield [node, read(sources.live.node(node))] as const;
    };

  nodeGauge(
    'esl_up',
    '1 while the ESL connection to the node is up (authenticated and subscribed).',
    perClient((c) => (c.state === 'connected' ? 1 : 0)),
  );
  new Gauge({
    name: `${prefix}esl_state`,
    help: 'ESL connection state of the node: 1 for the current state, 0 for the others.',
    labelNames: ['node', 'state'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const client of sources.esl())
        for (const state of STATES) this.set({ node: client.nodeId, state }, client.state === state ? 1 : 0);
    },
  });
  nodeCounter(
    'esl_reconnects_total',
    'ESL connection attempts after the first one.',
    perClient((c) => c.stats.reconnects),
  );
  nodeCounter(
    'esl_events_total',
    'Events received from the node.',
    perClient((c) => c.stats.eventsReceived),
  );
  nodeCounter(
    'esl_decode_errors_total',
    'Event frames that could not be decoded, and byte streams that lost their framing.',
    perClient((c) => c.stats.decodeErrors),
  );
  nodeCounter(
    'esl_auth_failures_total',
    'ESL logins the node refused (wrong password).',
    perClient((c) => c.stats.authFailures),
  );
  nodeCounter(
    'esl_listener_errors_total',
    'Errors thrown by event listeners (bugs).',
    perClient((c) => c.stats.listenerErrors),
  );
  nodeGauge(
    'esl_events_per_second',
    'Events received per second from the node, over the last 10 seconds.',
    () => {
      sample(Date.now());
      return perClient((c) => rateOf(c.nodeId).perSecond())();
    },
  );

  nodeGauge(
    'node_synced',
    "1 while the node's live state is in sync (built from a snapshot and kept by events).",
    perSync((sync) => (sync.status === 'synced' ? 1 : 0)),
  );
  nodeCounter(
    'node_resyncs_total',
    'Snapshots of the node taken and swapped in (one per (re)connect, more after failures).',
    perSync((sync) => sync.stats.resyncs),
  );
  nodeCounter(
    'node_events_applied_total',
    "Events that changed the node's live state.",
    perSync((sync) => sync.stats.eventsApplied),
  );

  nodeGauge(
    'live_calls',
    'Live calls (at least one leg not hung up).',
    perLiveNode((node) => {
      let live = 0;
      for (const call of node?.calls.calls.values() ?? []) if (isLive(call)) live++;
      return live;
    }),
  );
  nodeGauge(
    'live_channels',
    'Live channels (call legs).',
    perLiveNode((node) => node?.calls.channels.size ?? 0),
  );
  nodeGauge(
    'live_conferences',
    'Running conferences.',
    perLiveNode((node) => node?.conferences.conferences.size ?? 0),
  );
  nodeGauge(
    'live_members',
    'Conference members.',
    perLiveNode((node) => {
      let members = 0;
      for (const conf of node?.conferences.conferences.values() ?? []) members += conf.members.size;
      return members;
    }),
  );
  nodeGauge(
    'live_talking_members',
    'Conference members talking right now.',
    perLiveNode((node) => {
      let talking = 0;
      for (const conf of node?.conferences.conferences.values() ?? [])
        for (const member of conf.members.values()) if (member.talking) talking++;
      return talking;
    }),
  );

  return { sample };
}
