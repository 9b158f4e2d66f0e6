// Metrics without sockets: route labels from Hono's matched routes (patterns, never raw paths), the
// events-per-second window, and the registry's text for fake ESL clients, syncs and live state.
import { Hono } from 'hono';
import { matchedRoutes } from 'hono/route';
import { describe, expect, it } from 'vitest';
import type { EslClientStats } from '../../src/esl/client.js';
import type { AppEnv } from '../../src/http/context.js';
import { methodLabel, routeLabel, UNMATCHED_ROUTE } from '../../src/http/request-metrics.js';
import { createDaemonMetrics } from '../../src/metrics/daemon-metrics.js';
import { EventRate } from '../../src/metrics/event-rate.js';
import { LiveState } from '../../src/state/node-state.js';
import { transcriptEvents } from '../helpers/state-replay.js';

/** The value of one sample line, e.g. sample(text, 'fsconfd_esl_up{node="a"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('route labels', () => {
  it('label a request by the pattern of the route it matched, skipping wildcard middleware', async () => {
    const app = new Hono<AppEnv>();
    let seen = '';
    app.use('*', async (c, next) => {
      await next();
      seen = routeLabel(matchedRoutes(c));
    });
    app.use('/api/*', (_c, next) => next());
    app.get('/my/conferencedetails/:confName', (c) => c.text('ok'));
    app.get('/api/users/:userName', (c) => c.text('ok'));
    app.all('/api/users/:userName', (c) => c.text('405', 405));
    app.get('/my/conference/:confName/:command{[\\s\\S]+}', (c) => c.text('ok'));

    const label = async (method: string, path: string) => {
      await app.request(path, { method });
      return seen;
    };
    expect(await label('GET', '/my/conferencedetails/alice-conf')).toBe('/my/conferencedetails/:confName');
    expect(await label('GET', '/api/users/200')).toBe('/api/users/:userName');
    expect(await label('DELETE', '/api/users/200')).toBe('/api/users/:userName');
    expect(await label('GET', '/my/conference/x/mute&1')).toBe(
      '/my/conference/:confName/:command{[\\s\\S]+}',
    );
    for (let i = 0; i < 5; i++) expect(await label('GET', `/random/${i}`)).toBe(UNMATCHED_ROUTE);
    expect(await label('GET', '/api/nothing-here')).toBe(UNMATCHED_ROUTE);
  });

  it('bounds the method label', () => {
    expect(methodLabel('GET')).toBe('GET');
    expect(methodLabel('BREW')).toBe('OTHER');
  });
});

describe('events per second', () => {
  it('is the counter increase over the window, per second', () => {
    const rate = new EventRate(10_000, 500);
    expect(rate.perSecond()).toBe(0);
    rate.record(0, 0);
    rate.record(1000, 250);
    expect(rate.perSecond()).toBe(250);
    rate.record(1200, 400); // closer than 500 ms to the last sample: ignored
    expect(rate.perSecond()).toBe(250);
    for (let t = 2000; t <= 30_000; t += 1000) rate.record(t, 250 + ((t - 1000) / 1000) * 100);
    // The first second's burst has left the 10 s window: 100/s now.
    expect(rate.perSecond()).toBeCloseTo(100, 5);
  });

  it('starts over when the counter restarts (a new ESL client)', () => {
    const rate = new EventRate();
    rate.record(0, 1000);
    rate.record(1000, 2000);
    rate.record(2000, 10);
    expect(rate.perSecond()).toBe(0);
    rate.record(3000, 60);
    expect(rate.perSecond()).toBe(50);
  });
});

describe('daemon registry', () => {
  it('reports each node, its sync, the live calls and members, and the stream', async () => {
    const live = new LiveState();
    const node = live.addNode('fs1:8021');
    node.synced = true;
    for (const event of transcriptEvents('conference-json').slice(0, 12)) live.apply('fs1:8021', event);
    const members = [...node.conferences.conferences.values()].reduce((n, c) => n + c.members.size, 0);
    expect(members).toBeGreaterThan(0);

    const stats: EslClientStats = {
      reconnects: 3,
      eventsReceived: 1234,
      decodeErrors: 2,
      listenerErrors: 0,
      authFailures: 1,
      livenessFailures: 0,
      stuckRequests: 0,
    };
    const clients = [
      { nodeId: 'fs1:8021', state: 'connected' as const, stats },
      { nodeId: 'fs2:8021', state: 'connecting' as const, stats: { ...stats, reconnects: 7 } },
    ];
    const syncs = new Map([
      [
        'fs1:8021',
        {
          status: 'synced' as const,
          stats: { resyncs: 2, resyncFailures: 0, eventsApplied: 99, lastResyncMs: 5 },
        },
      ],
      [
        'fs2:8021',
        {
          status: 'unsynced' as const,
          stats: { resyncs: 0, resyncFailures: 4, eventsApplied: 0, lastResyncMs: 0 },
        },
      ],
    ]);
    const events = {
      clientCount: 3,
      stats: { messagesSent: 42, drops: { slow: 1, dead: 2, credentials: 0, shutdown: 0, limit: 0 } },
    };
    const metrics = createDaemonMetrics({ esl: () => clients, syncs, live, events });
    try {
      const { contentType, body } = await metrics.render();
      expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(sample(body, 'fsconfd_esl_up{node="fs1:8021"}')).toBe(1);
      expect(sample(body, 'fsconfd_esl_up{node="fs2:8021"}')).toBe(0);
      expect(sample(body, 'fsconfd_esl_state{node="fs2:8021",state="connecting"}')).toBe(1);
      expect(sample(body, 'fsconfd_esl_state{node="fs2:8021",state="connected"}')).toBe(0);
      expect(sample(body, 'fsconfd_esl_reconnects_total{node="fs2:8021"}')).toBe(7);
      expect(sample(body, 'fsconfd_esl_events_total{node="fs1:8021"}')).toBe(1234);
      expect(sample(body, 'fsconfd_esl_decode_errors_total{node="fs1:8021"}')).toBe(2);
      expect(sample(body, 'fsconfd_esl_auth_failures_total{node="fs1:8021"}')).toBe(1);
      expect(sample(body, 'fsconfd_node_synced{node="fs1:8021"}')).toBe(1);
      expect(sample(body, 'fsconfd_node_synced{node="fs2:8021"}')).toBe(0);
      expect(sample(body, 'fsconfd_node_events_applied_total{node="fs1:8021"}')).toBe(99);
      expect(sample(body, 'fsconfd_live_members{node="fs1:8021"}')).toBe(members);
      expect(sample(body, 'fsconfd_live_conferences{node="fs1:8021"}')).toBe(
        node.conferences.conferences.size,
      );
      expect(sample(body, 'fsconfd_stream_clients')).toBe(3);
      expect(sample(body, 'fsconfd_stream_drops_total{reason="slow"}')).toBe(1);
      expect(body).toContain('# TYPE fsconfd_http_request_duration_seconds histogram');
      expect(body).toContain('fsconfd_process_resident_memory_bytes');
      // Counters owned elsewhere are re-read, not accumulated, on each scrape.
      stats.eventsReceived = 2000;
      expect(sample((await metrics.render()).body, 'fsconfd_esl_events_total{node="fs1:8021"}')).toBe(2000);
    } finally {
      metrics.stop();
    }
  });
});
