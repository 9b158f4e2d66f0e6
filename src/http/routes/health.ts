// GET /health — public (no auth): 200 when the daemon is healthy, 503 otherwise; the body is whatever
// the health source reports (FreeSWITCH connection states), as JSON.
import type { Hono } from 'hono';
import type { AppDeps } from '../app-deps.js';
import type { AppEnv } from '../context.js';
import { JSON_CONTENT_TYPE } from '../represent.js';

export function registerHealthRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  app.get('/health', (c) => {
    const { ok, body } = deps.health();
    return c.body(JSON.stringify(body), ok ? 200 : 503, {
      'Content-Type': JSON_CONTENT_TYPE,
      'Cache-Control': 'no-store',
    });
  });
}
