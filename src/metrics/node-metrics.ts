// Per FreeSWITCH node: the ESL connection (state, reconnects, events, decode errors, auth failures),
// the live state's sync, and what is live on it (calls, channels, conferences, members). Everything is
// read from the objects that own it when Prometheus scrapes, so the event path pays nothing.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { EslClientStats, EslConnectionState } from '../esl/client.js';
import { isLive } from '../state/active-cdr.js';
import type { LiveState } from '../state/node-state.js';
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

  /** A counter whose value is owned elsewhere (a stats field): set on each scrape. */
  const statCounter = (name: string, help: string, read: (stats: Readonly<EslClientStats>) => number) =>
    new Counter({
      name: `${prefix}${name}`,
      help,
      labelNames: ['node'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const client of sources.esl()) this.inc({ node: client.nodeId }, read(client.stats));
      },
    });

  new Gauge({
    name: `${prefix}esl_up`,
    help: '1 while the ESL connection to the node is up (authenticated and subscribed).',
    labelNames: ['node'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const client of sources.esl())
        this.set({ node: client.nodeId }, client.state === 'connected' ? 1 : 0);
    },
  });
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
  statCounter('esl_reconnects_total', 'ESL connection attempts after the first one.', (s) => s.reconnects);
  statCounter('esl_events_total', 'Events received from the node.', (s) => s.eventsReceived);
  statCounter(
    'esl_decode_errors_total',
    'Event frames that could not be decoded, and byte streams that lost their framing.',
    (s) => s.decodeErrors,
  );
  statCounter(
    'esl_auth_failures_total',
    'ESL logins the node refused (wrong password).',
    (s) => s.authFailures,
  );
  statCounter(
    'esl_listener_errors_total',
    'Errors thrown by event listeners (bugs).',
    (s) => s.listenerErrors,
  );
  new Gauge({
    name: `${prefix}esl_events_per_second`,
    help: 'Events received per second from the node, over the last 10 seconds.',
    labelNames: ['node'] as const,
    registers: [registry],
    collect() {
      this.reset();
      sample(Date.now());
      for (const client of sources.esl())
        this.set({ node: client.nodeId }, rateOf(client.nodeId).perSecond());
    },
  });

  new Gauge({
    name: `${prefix}node_synced`,
    help: "1 while the node's live state is in sync (built from a snapshot and kept by events).",
    labelNames: ['node'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [node, sync] of sources.syncs) this.set({ node }, sync.status === 'synced' ? 1 : 0);
    },
  });
  new Counter({
    name: `${prefix}node_resyncs_total`,
    help: 'Snapshots of the node taken and swapped in (one per (re)connect, more after failures).',
    labelNames: ['node'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [node, sync] of sources.syncs) this.inc({ node }, sync.stats.resyncs);
    },
  });
  new Counter({
    name: `${prefix}node_events_applied_total`,
    help: "Events that changed the node's live state.",
    labelNames: ['node'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [node, sync] of sources.syncs) this.inc({ node }, sync.stats.eventsApplied);
    },
  });

  const liveGauge = (name: string, help: string, count: (nodeId: string) => number) =>
    new Gauge({
      name: `${prefix}${name}`,
      help,
      labelNames: ['node'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const node of sources.live.nodeIds()) this.set({ node }, count(node));
      },
    });
  const nodeState = (nodeId: string) => sources.live.node(nodeId);
  liveGauge('live_calls', 'Live calls (at least one leg not hung up).', (id) => {
    let live = 0;
    for (const call of nodeState(id)?.calls.calls.values() ?? []) if (isLive(call)) live++;
    return live;
  });
  liveGauge('live_channels', 'Live channels (call legs).', (id) => nodeState(id)?.calls.channels.size ?? 0);
  liveGauge(
    'live_conferences',
    'Running conferences.',
    (id) => nodeState(id)?.conferences.conferences.size ?? 0,
  );
  liveGauge('live_members', 'Conference members.', (id) => {
    let members = 0;
    for (const conf of nodeState(id)?.conferences.conferences.values() ?? []) members += conf.members.size;
    return members;
  });
  liveGauge('live_talking_members', 'Conference members talking right now.', (id) => {
    let talking = 0;
    for (const conf of nodeState(id)?.conferences.conferences.values() ?? [])
      for (const member of conf.members.values()) if (member.talking) talking++;
    return talking;
  });

  return { sample };
}
