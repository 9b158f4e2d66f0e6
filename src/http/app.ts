// The HTTP application: middleware, route families, error handling. Every route is served at the root
// and under /sipxconfig/rest (sipX's base URL) by stripping that prefix before routing, so each route
// is registered once.
//
// Adding a route family: write `registerXRoutes(app, deps)` in routes/, add it to PUBLIC_FAMILIES (no
// auth: health, FreeSWITCH's config fetches, ...) or AUTHENTICATED_FAMILIES, and add what it needs to
// AppDeps as an optional field.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getPath } from 'hono/utils/url';
import type { Config } from '../config.js';
import type { ScryptParams } from '../domain/passwords.js';
import { compileDialPolicy, type DialPolicy } from '../domain/dial-policy.js';
import type { EslPool } from '../esl/pool.js';
import type { Logger } from '../log.js';
import type { DaemonMetrics } from '../metrics/daemon-metrics.js';
import type { LiveState } from '../state/node-state.js';
import type { Store } from '../store/store.js';
import type { EventStream } from '../ws/event-stream.js';
import { createAuthenticator, type AuthOptions } from './auth.js';
import { MAX_BODY_BYTES } from './body.js';
import type { AppEnv } from './context.js';
import { errorResponder, HttpError } from './errors.js';
import { addMethodNotAllowed } from './method-not-allowed.js';
import { respondError } from './represent.js';
import { requestMetrics } from './request-metrics.js';
import type { RateLimiter } from './rate-limit.js';
import { SipDomainResolver } from './sip-domain.js';
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

export interface AppDeps {
  store: Store;
  logger: Logger;
  config: Config;
  /** GET /health (no auth): 200 if ok else 503, JSON body as given. */
  health: () => { ok: boolean; body: unknown };
  /** scrypt cost for passwords set through the API; default N = 2^14. Tests lower it. */
  passwordScrypt?: ScryptParams;
  /** Auth tuning (cache TTL, failure limits, clock); defaults in auth.ts. */
  auth?: Partial<AuthOptions>;
  /** Live conference and call state, kept from ESL events (conference details, activecdrs). */
  live?: LiveState;
  /** One ESL client per FreeSWITCH node (conference commands, click-to-call). */
  esl?: EslPool;
  /** The live event stream (GET /events over WebSocket). */
  events?: EventStream;
  /** Prometheus metrics: counts every request, served at GET /metrics (admin). */
  metrics?: DaemonMetrics;
  /** True once shutdown has begun: every new request is answered 503 before it can change anything. */
  stopping?: () => boolean;
  /** Click-to-call's CALLS_PER_MINUTE counter; default: in this process (shared: SharedWindowLimiter). */
  callLimiter?: RateLimiter;
}

/** What every route family gets: the dependencies plus what is built once per app from them. */
export interface RouteDeps extends AppDeps {
  /** The SIP domain per node (FS_DOMAIN, else asked of FreeSWITCH once per connection). */
  domains: SipDomainResolver;
  /** DIAL_ALLOW, compiled once. */
  dialPolicy: DialPolicy;
}

export type RouteFamily = (app: Hono<AppEnv>, deps: RouteDeps) => void;

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

export const SIPX_PREFIX = '/sipxconfig/rest';

/** The routing path: the URL path with a leading /sipxconfig/rest removed. */
export function routingPath(request: Request): string {
  const path = getPath(request);
  if (path === SIPX_PREFIX) return '/';
  return path.startsWith(`${SIPX_PREFIX}/`) ? path.slice(SIPX_PREFIX.length) : path;
}

export function createApp(appDeps: AppDeps): Hono<AppEnv> {
  // loadConfig already refused a bad DIAL_ALLOW; failing here would be a wiring bug.
  const policy = compileDialPolicy(appDeps.config.dialAllow);
  if (!policy.ok) throw new Error(`DIAL_ALLOW: ${policy.error}`);
  const deps: RouteDeps = {
    ...appDeps,
    domains: new SipDomainResolver(appDeps.config.fsDomain, appDeps.esl, appDeps.logger),
    dialPolicy: policy.value,
  };
  const app = new Hono<AppEnv>({ getPath: routingPath });
  app.onError(errorResponder(deps.logger));
  app.notFound((c) => respondError(c, 404, 'not found'));
  // First, so it times and counts everything, refused logins included.
  if (deps.metrics) app.use('*', requestMetrics(deps.metrics.http));
  const stopping = deps.stopping;
  if (stopping)
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
    trustedProxies: deps.config.trustedProxies,
    ...deps.auth,
  });
  app.use('*', auth.middleware);
  for (const family of AUTHENTICATED_FAMILIES) family(app, deps);
  addMethodNotAllowed(app, registered);
  return app;
}
