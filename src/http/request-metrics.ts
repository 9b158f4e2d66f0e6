// Labels each request for the HTTP metrics (metrics/http-metrics.ts) and reports it once answered:
// the route pattern it matched (never the raw path), its method, status and time, and failed logins.
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { HttpMetrics } from '../metrics/http-metrics.js';
import type { AppEnv } from './context.js';

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

/** Counts and times every request; mount it first, so it sees auth refusals too. */
export function requestMetrics(metrics: HttpMetrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const status = c.res.status;
      const labels = { method: methodLabel(c.req.method), route: routeLabel(matchedRoutes(c)) };
      metrics.request(labels, status, (performance.now() - started) / 1000);
      // Only the auth middleware answers 401; a 429 before anyone logged in is its lockout.
      if (status === 401)
        metrics.authFailure(c.req.header('authorization') ? 'bad-credentials' : 'missing-credentials');
      else if (status === 429 && c.get('user') === undefined) metrics.authFailure('blocked');
    }
  };
}
