// Request counts and latency by route pattern (`/my/conferencedetails/:confName`, never the raw path,
// so a scan of random URLs cannot blow up the number of series), and failed logins. These are the
// collectors; the middleware that labels each request and reports it is http/request-metrics.ts.
import { Counter, Histogram, type Registry } from 'prom-client';

/** Why a login was refused: no credentials (401 challenge), wrong ones (401), or a lockout (429). */
export type AuthFailureReason = 'missing-credentials' | 'bad-credentials' | 'blocked';

export interface HttpMetrics {
  /** One answered request, by method and route pattern (http/request-metrics.ts makes the labels). */
  request(labels: { method: string; route: string }, status: number, seconds: number): void;
  authFailure(reason: AuthFailureReason): void;
}

export function createHttpMetrics(registry: Registry, prefix: string): HttpMetrics {
  const requests = new Counter({
    name: `${prefix}http_requests_total`,
    help: 'HTTP requests by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: `${prefix}http_request_duration_seconds`,
    help: 'Time to answer an HTTP request, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const authFailures = new Counter({
    name: `${prefix}http_auth_failures_total`,
    help:
      'Refused logins: no credentials (401 challenge), wrong or malformed credentials (401), ' +
      'or a client or user blocked after repeated failures (429).',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const reasons: AuthFailureReason[] = ['missing-credentials', 'bad-credentials', 'blocked'];
  for (const reason of reasons) authFailures.inc({ reason }, 0);

  return {
    request(labels, status, seconds) {
      requests.inc({ ...labels, status: String(status) });
      duration.observe(labels, seconds);
    },
    authFailure(reason) {
      authFailures.inc({ reason });
    },
  };
}
