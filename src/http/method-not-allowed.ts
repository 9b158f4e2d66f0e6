// 405 with `Allow` for every known path, derived from the routes actually registered, so the list can
// never drift from the handlers. Must run after a family's routes are registered (Hono tries handlers
// in registration order, so the catch-all only sees verbs no route answered).
import type { Hono } from 'hono';
import type { AppEnv } from './context.js';
import { respondError } from './represent.js';

/** Adds the 405 handlers for routes registered since `from`; returns the new route count. */
export function addMethodNotAllowed(app: Hono<AppEnv>, from: number): number {
  const methods = new Map<string, Set<string>>();
  for (const route of app.routes.slice(from)) {
    if (route.method === 'ALL') continue; // middleware
    let set = methods.get(route.path);
    if (!set) methods.set(route.path, (set = new Set()));
    set.add(route.method);
    if (route.method === 'GET') set.add('HEAD'); // Hono answers HEAD with the GET handler
  }
  for (const [path, set] of methods) {
    const allow = [...set].sort().join(', ');
    app.all(path, (c) => respondError(c, 405, 'method not allowed', { headers: { Allow: allow } }));
  }
  return app.routes.length;
}
