// The HTTP application: middleware, route families, error handling. Every route is served at the root
// and under /sipxconfig/rest (sipX's base URL) by stripping that prefix before routing, so each route
// is registered once.
//
// Adding a route family: write `registerXRoutes(app, deps)` in routes/, add it to PUBLIC_FAMILIES (no
// auth: health, FreeSWITCH's config fetches, ...) or AUTHENTICATED_FAMILIES, and add what it needs to
// AppDeps (app-deps.ts).
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppDeps, RouteFamily } from './app-deps.js';
import { createAuthenticator } from './auth.js';
import { MAX_BODY_BYTES } from './body.js';
import type { AppEnv } from './context.js';
import { errorResponder, HttpError } from './errors.js';
import { addMethodNotAllowed } from './method-not-allowed.js';
import { routingPath } from './paths.js';
import { respondError } from './represent.js';
import { requestMetrics } from './request-metrics.js';
import { registerActiveCallRoutes } from './routes/active-calls.js';
import { registerActiveConferenceRoutes } from './routes/active-conferences.js';
import { registerAdminConferenceRoutes } from './routes/admin-conferences.js';
import { registerAdminUserRoutes } from './routes/admin-users.js';
import { registerCallRoutes } from './routes/calls.js';
import { registerCallControlRoutes } from './routes/call-control.js';
import { registerConferenceCommandRoutes } from './routes/conference-commands.js';
import { registerConferenceDetailsRoutes } from './routes/conference-details.js';
import { registerEventStreamRoutes } from './routes/event-stream.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerMetricsRoutes, registerOpenMetricsRoutes } from './routes/metrics.js';
import { registerMyAccountRoutes } from './routes/my-account.js';
import { registerMyConferenceRoutes } from './routes/my-conferences.js';
import { registerOpenApiRoutes } from './routes/openapi.js';
import { registerRecordingRoutes } from './routes/recordings.js';
import { registerWallboardRoutes } from './routes/wallboard.js';
import { registerWallboardNameRoutes } from './routes/wallboard-names.js';

export type { AppDeps, RouteFamily } from './app-deps.js';

/** Families anyone may call; registered before the auth middleware. */
const PUBLIC_FAMILIES: readonly RouteFamily[] = [
  registerHealthRoutes,
  registerOpenMetricsRoutes,
  // Last: the OpenAPI document treats the routes registered before it as the public ones.
  registerOpenApiRoutes,
];

/** Families behind authentication (HTTP Digest or Basic). */
const AUTHENTICATED_FAMILIES: readonly RouteFamily[] = [
  registerMyAccountRoutes,
  registerMyConferenceRoutes,
  registerConferenceDetailsRoutes,
  registerConferenceCommandRoutes,
  registerAdminUserRoutes,
  registerAdminConferenceRoutes,
  registerCallRoutes,
  registerActiveCallRoutes,
  registerCallControlRoutes,
  registerActiveConferenceRoutes,
  registerRecordingRoutes,
  registerEventStreamRoutes,
  registerMetricsRoutes,
  registerWallboardRoutes,
  registerWallboardNameRoutes,
];

export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>({ getPath: routingPath });
  app.onError(errorResponder(deps.logger));
  app.notFound((c) => respondError(c, 404, 'not found'));
  // First, so it times and counts everything, refused logins included.
  app.use('*', requestMetrics(deps.metrics.http));
  const stopping = deps.stopping;
  app.use('*', (c, next) =>
    stopping()
      ? Promise.resolve(
          respondError(c, 503, 'the daemon is stopping; try again', {
            headers: { 'Retry-After': '5', Connection: 'close' },
          }),
        )
      : next(),
  );

  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new HttpError(413, 'request body too large');
    },
  });
  // GET and HEAD never carry a body (the Node adapter drops it), so pollers skip the limiter, which
  // would rebuild the whole Request on every call.
  app.use('*', (c, next) =>
    c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next),
  );
  // The admin API speaks JSON only, including its 401/403/404 answers.
  app.use('/api/*', async (c, next) => {
    c.set('representation', 'json');
    await next();
  });

  let registered = app.routes.length;
  for (const family of PUBLIC_FAMILIES) family(app, deps);
  registered = addMethodNotAllowed(app, registered);

  const auth = createAuthenticator(deps.store, deps.logger, {
    ...(deps.passwordScrypt ? { scrypt: deps.passwordScrypt } : {}),
    trustedProxies: deps.settings.trustedProxies,
    ...deps.auth,
  });
  app.use('*', auth.middleware);
  for (const family of AUTHENTICATED_FAMILIES) family(app, deps);
  addMethodNotAllowed(app, registered);
  return app;
}
