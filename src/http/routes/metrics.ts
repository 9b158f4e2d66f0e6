// GET /metrics: Prometheus text format, for admins only. The numbers describe the whole system (call
// volumes, node names, failed logins), so they are not public; point Prometheus at it with an admin's
// credentials (`basic_auth` in the scrape config).
import type { Hono } from 'hono';
import type { AppDeps } from '../app.js';
import { requireAdmin } from '../auth.js';
import type { AppEnv } from '../context.js';
import { HttpError } from '../errors.js';

export function registerMetricsRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get('/metrics', requireAdmin, async (c) => {
    if (deps.metrics === undefined) throw new HttpError(503, 'metrics are not available');
    const { contentType, body } = await deps.metrics.render();
    return c.body(body, 200, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  });
}
