// Request counts and latency by route pattern (`/my/conferencedetails/:confName`, never the raw path,
// so a scan of random URLs cannot blow up the number of series), and failed logins.
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { AppEnv } from '../http/context.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

/** Label for requests no route matched (404s), whatever their path. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The route a request was for: the last route it matched that is not a wildcard middleware. Hono
 * lists middleware (`*`, `/api/*`) and handlers in registration order; the 405 catch-alls carry the
 * path they answer for, so they label the same route.
 */
export function routeLabel(matched: ReadonlyArray<{ path: string }>): string {
  for (let i = matched.length - 1; i >= 0; i--) {
    const path = matched[i]!.path;
    if (!path.endsWith('*')) return path;
  }
  return UNMATCHED_ROUTE;
}

export function methodLabel(method: string): string {
  return METHODS.has(method) ? method : 'OTHER';
}

export interface HttpMetrics {
  middleware: MiddlewareHandler<AppEnv>;
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
  for (const reason of ['missing-credentials', 'bad-credentials', 'blocked']) authFailures.inc({ reason }, 0);

  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const status = c.res.status;
      const labels = { method: methodLabel(c.req.method), route: routeLabel(matchedRoutes(c)) };
      requests.inc({ ...labels, status: String(status) });
      duration.observe(labels, (performance.now() - started) / 1000);
      // Only the auth middleware answers 401; a 429 before anyone logged in is its lockout.
      if (status === 401)
        authFailures.inc({
          reason: c.req.header('authorization') ? 'bad-credentials' : 'missing-credentials',
        });
      else if (status === 429 && c.get('user') === undefined) authFailures.inc({ reason: 'blocked' });
    }
  };
  return { middleware };
}
