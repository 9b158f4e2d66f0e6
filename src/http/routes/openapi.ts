// GET /openapi.json (public): the OpenAPI 3.1 description of every route, generated on first request
// from the app's own route table (openapi/generate.ts), so it covers exactly what is registered.
// Registered as the LAST public family: the routes registered before it are the public ones.
import { readFileSync } from 'node:fs';
import type { Hono } from 'hono';
import { commandDocs } from '../../domain/conference-command.js';
import type { AppDeps } from '../app-deps.js';
import { requireAdmin } from '../auth.js';
import type { AppEnv } from '../context.js';
import { buildOpenApi } from '../openapi/generate.js';
import { ROUTE_DOCS, TAG_DESCRIPTIONS } from '../openapi/route-docs.js';
import { JSON_CONTENT_TYPE } from '../represent.js';

const PACKAGE = new URL('../../../package.json', import.meta.url);

export function registerOpenApiRoutes(app: Hono<AppEnv>, _deps: AppDeps): void {
  let document: string | undefined;
  app.get('/openapi.json', (c) => {
    document ??= JSON.stringify(
      buildOpenApi(app.routes, ROUTE_DOCS, {
        title: 'fs-confd',
        version: (JSON.parse(readFileSync(PACKAGE, 'utf8')) as { version: string }).version,
        description:
          'The call and conference part of the sipXconfig REST API, served from FreeSWITCH over the Event Socket. HTTP Basic on every route but the public ones; XML by default, JSON on `Accept: application/json` or `?format=json`.',
        publicRouteCount,
        adminGuard: requireAdmin,
        commands: commandDocs(),
        tagDescriptions: TAG_DESCRIPTIONS,
      }),
    );
    return c.body(document, 200, { 'Content-Type': JSON_CONTENT_TYPE, 'Cache-Control': 'no-cache' });
  });
  const publicRouteCount = app.routes.length;
}
