// The daemon's Prometheus registry: HTTP (requests, latency, failed logins), each FreeSWITCH node
// (ESL connection, events, sync, live calls and members), the event stream, and Node's process
// metrics. A registry per daemon, not prom-client's global one, so several daemons (tests) never mix.
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { GuardStats } from '../net/connection-guard.js';
import type { EventStream } from '../ws/event-stream.js';
import { createHttpMetrics, type HttpMetrics } from './http-metrics.js';
import { createNodeMetrics, type NodeSources } from './node-metrics.js';

export const METRIC_PREFIX = 'fsconfd_';

export interface MetricSources extends NodeSources {
  events?: Pick<EventStream, 'clientCount' | 'stats'>;
  /** The API listener's connection counts (undefined until it listens). */
  connections?: () => GuardStats | undefined;
}

export interface DaemonMetrics {
  /** Requests and failed logins, fed by the API's middleware (http/request-metrics.ts). */
  readonly http: HttpMetrics;
  /** The Prometheus text exposition and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
  /** Stops the once-a-second sampling of event counters. */
  stop(): void;
}

export function createDaemonMetrics(sources: MetricSources): DaemonMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  const http = createHttpMetrics(registry, METRIC_PREFIX);
  const nodes = createNodeMetrics(registry, METRIC_PREFIX, sources);
  const events = sources.events;
  if (events !== undefined) {
    new Gauge({
      name: `${METRIC_PREFIX}stream_clients`,
      help: 'Open event stream (WebSocket) connections.',
      registers: [registry],
      collect() {
        this.set(events.clientCount);
      },
    });
    new Counter({
      name: `${METRIC_PREFIX}stream_messages_total`,
      help: 'Messages sent to event stream clients.',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(events.stats.messagesSent);
      },
    });
    new Counter({
      name: `${METRIC_PREFIX}stream_drops_total`,
      help: 'Event stream clients dropped: slow (unread data over the bound), dead (no pong), credentials changed, over the connection limits, shutdown.',
      labelNames: ['reason'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [reason, count] of Object.entries(events.stats.drops)) this.inc({ reason }, count);
      },
    });
  }

  const connections = sources.connections;
  if (connections !== undefined) {
    new Gauge({
      name: `${METRIC_PREFIX}http_connections`,
      help: 'Open API connections, and those of them that have not sent a request yet.',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        const stats = connections();
        this.set({ state: 'open' }, stats?.open ?? 0);
        this.set({ state: 'waiting' }, stats?.waiting ?? 0);
      },
    });
    new Counter({
      name: `${METRIC_PREFIX}http_connections_closed_total`,
      help: 'API connections closed at a connection cap: evicted (had not sent a request), refused (every slot busy).',
      labelNames: ['reason'] as const,
      registers: [registry],
      collect() {
        const stats = connections();
        this.reset();
        this.inc({ reason: 'evicted' }, stats?.evicted ?? 0);
        this.inc({ reason: 'refused' }, stats?.refused ?? 0);
      },
    });
  }

  // The events-per-second window needs samples between scrapes, whatever the scrape interval.
  const sampler = setInterval(() => nodes.sample(Date.now()), 1000);
  sampler.unref();

  return {
    http,
    render: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
    stop: () => clearInterval(sampler),
  };
}
