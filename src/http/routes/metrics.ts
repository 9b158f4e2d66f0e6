// GET /metrics: Prometheus text format, for admins only by default. The numbers describe the whole
// system (call volumes, node names, failed logins), so they are not public unless the operator says so
// (METRICS_OPEN=true, for a Prometheus on a trusted network); otherwise point Prometheus at it with an
// admin's credentials (`basic_auth` in the scrape config).
import type { Context, Hono } from 'hono';
import type { AppDeps } from '../app-deps.js';
import { requireAdmin } from '../auth.js';
import type { AppEnv } from '../context.js';

function metricsHandler(deps: AppDeps) {
  return async (c: Context<AppEnv>) => {
    const { contentType, body } = await deps.metrics.render();
    return c.body(body, 200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  };
}

/** Behind auth: admins only (unless METRICS_OPEN registered it publicly already). */
export function registerMetricsRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  if (!deps.settings.metricsOpen) app.get('/metrics', requireAdmin, metricsHandler(deps));
}

/** Before auth, only with METRICS_OPEN=true. */
export function registerOpenMetricsRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  if (deps.settings.metricsOpen) app.get('/metrics', metricsHandler(deps));
}
