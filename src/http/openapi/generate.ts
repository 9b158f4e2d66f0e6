// The OpenAPI 3.1 document, generated from the routes the app actually registered (paths, methods,
// path parameters, public / user / admin access), the zod schemas the routes validate bodies with, the
// conference command table, and the per-route notes in route-docs.ts. Pure: give it app.routes.
import { z } from 'zod';
import type { CommandDoc } from '../../domain/conference-command.js';
import { streamMessageComponents } from '../../ws/protocol-schema.js';
import { EXTENDED_PARAM } from '../extended.js';
import type { Representation, ResponseForms, RouteDoc } from './route-docs.js';
import { ref, sipxSchemas, wrappedRequestSchemas } from './sipx-schemas.js';

export interface RegisteredRoute {
  method: string;
  path: string;
  handler: unknown;
}

export interface GenerateOptions {
  title: string;
  version: string;
  description: string;
  /** Routes registered before the authentication middleware (app.routes.slice(0, n)) are public. */
  publicRouteCount: number;
  /** The middleware that makes a route admin-only (a route listing it among its handlers is). */
  adminGuard: unknown;
  commands: readonly CommandDoc[];
  /** A description per tag name. */
  tagDescriptions?: Readonly<Record<string, string>>;
}

type Json = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string; description: string }>;
  tags: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, Json>>;
  components: { securitySchemes: Json; schemas: Record<string, Json> };
}

interface Operation {
  method: string;
  /** Hono's path, regex constraints removed: `/my/conference/:confName/:command`. */
  path: string;
  isPublic: boolean;
  isAdmin: boolean;
}

/** `:command{[\s\S]+}` → `:command`: the docs key and the OpenAPI path do not carry the pattern. */
export function plainPath(honoPath: string): string {
  return honoPath.replace(/(:[A-Za-z_][A-Za-z0-9_]*)\{[^/]*\}/g, '$1');
}

/** `/my/conferences/:name` → `/my/conferences/{name}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

export function pathParameters(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!);
}

/** The operations the routes define: one per method and path, with who may call them. */
export function operationsOf(
  routes: readonly RegisteredRoute[],
  options: Pick<GenerateOptions, 'publicRouteCount' | 'adminGuard'>,
): Operation[] {
  const operations = new Map<string, Operation>();
  routes.forEach((route, index) => {
    if (route.method === 'ALL') return; // middleware and the 405 answers
    const path = plainPath(route.path);
    const key = `${route.method} ${path}`;
    let op = operations.get(key);
    if (op === undefined) {
      op = { method: route.method, path, isPublic: index < options.publicRouteCount, isAdmin: false };
      operations.set(key, op);
    }
    if (route.handler === options.adminGuard) op.isAdmin = true;
  });
  return [...operations.values()];
}

const MEDIA: Record<Exclude<Representation, 'none' | 'websocket'>, string[]> = {
  sipx: ['application/xml', 'application/json'],
  json: ['application/json'],
  text: ['text/plain'],
  html: ['text/html'],
  css: ['text/css'],
  javascript: ['text/javascript'],
  prometheus: ['text/plain; version=0.0.4'],
  audio: ['audio/wav', 'audio/mpeg', 'audio/ogg', 'audio/flac'],
  svg: ['image/svg+xml'],
};

function bodySchema(mediaType: string): Json {
  return mediaType === 'application/json' ? { type: 'object' } : { type: 'string' };
}

/** One form's schema, or either form's where `?extended=true` has one (an empty list is both). */
function formsSchema(
  sipx: ResponseForms,
  extended: ResponseForms | undefined,
  key: keyof ResponseForms,
): Json {
  return extended === undefined ? ref(sipx[key]) : { anyOf: [ref(sipx[key]), ref(extended[key])] };
}

function successResponse(doc: RouteDoc): [string, Json] {
  if (doc.representation === 'websocket')
    return [
      '101',
      {
        description:
          'Switching to the WebSocket protocol. Each text frame the server then sends is one JSON `StreamMessage`.',
        content: { 'application/json': { schema: ref('StreamMessage') } },
      },
    ];
  if (doc.responses?.[201] !== undefined) return ['201', { description: doc.responses[201] }];
  if (doc.representation === 'none') return ['200', { description: 'Done (no body).' }];
  if (doc.response !== undefined) {
    const { sipx, extended } = doc.response;
    const description =
      extended === undefined
        ? "OK: exactly sipX's elements, in sipX's order."
        : `OK: exactly sipX's elements (${sipx.xml}); with \`?extended=true\` sipX's elements, then the extras (${extended.xml}).`;
    return [
      '200',
      {
        description,
        content: {
          'application/xml': { schema: formsSchema(sipx, extended, 'xml') },
          'application/json': { schema: formsSchema(sipx, extended, 'json') },
        },
      },
    ];
  }
  const content = Object.fromEntries(
    MEDIA[doc.representation].map((type) => [type, { schema: bodySchema(type) }]),
  );
  return ['200', { description: 'OK.', content }];
}

function errorContent(doc: RouteDoc): Json {
  const content: Json = { 'application/json': { schema: ref('Error') } };
  if (doc.representation === 'sipx')
    content['application/xml'] = { schema: { type: 'string', xml: { name: 'error' } } };
  return content;
}

const EXTENDED_DESCRIPTION =
  "`true`: the daemon's extras after sipX's elements (a cdr's uuid and state; a member's talking, moderator and joinTime; a setting's extension and seed-003 fields). Absent or `false`: exactly sipX's elements, which strict sipX clients (XStream, Jackson) need.";

function commandParameterDescription(commands: readonly CommandDoc[]): string {
  const rows = commands.map((c) => `- \`${c.name}${c.usage === '' ? '' : ` ${c.usage}`}\`: ${c.description}`);
  return ['The command and its arguments, joined by `&`:', ...rows].join('\n');
}

function zodSchema(schema: z.ZodType): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as Json;
  return rest;
}

export function buildOpenApi(
  routes: readonly RegisteredRoute[],
  docs: Readonly<Record<string, RouteDoc>>,
  options: GenerateOptions,
): OpenApiDocument {
  const operations = operationsOf(routes, options);
  const missing = operations.map((op) => `${op.method} ${op.path}`).filter((key) => docs[key] === undefined);
  const registered = new Set(operations.map((op) => `${op.method} ${op.path}`));
  const stale = Object.keys(docs).filter((key) => !registered.has(key));
  if (missing.length > 0 || stale.length > 0)
    throw new Error(
      `route docs out of step with the routes: undocumented ${JSON.stringify(missing)}, no such route ${JSON.stringify(stale)}`,
    );

  const schemas: Record<string, Json> = {
    ...sipxSchemas(),
    ...streamMessageComponents(),
    Error: {
      type: 'object',
      properties: {
        error: { type: 'string' },
        code: { type: 'integer', description: 'The HTTP status.' },
        field: { type: 'string', description: 'The request field at fault (400, 409).' },
      },
      required: ['error', 'code'],
    },
  };
  const paths: OpenApiDocument['paths'] = {};
  const tags = new Set<string>();

  for (const op of operations) {
    const doc = docs[`${op.method} ${op.path}`]!;
    tags.add(doc.tag);
    const parameters: Json[] = pathParameters(op.path).map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
      ...(name === 'command' ? { description: commandParameterDescription(options.commands) } : {}),
    }));
    for (const q of doc.query ?? [])
      parameters.push({
        name: q.name,
        in: 'query',
        required: false,
        description: q.description,
        schema: { type: 'string' },
      });
    if (doc.response?.extended !== undefined)
      parameters.push({
        name: EXTENDED_PARAM,
        in: 'query',
        required: false,
        description: EXTENDED_DESCRIPTION,
        schema: { type: 'string', enum: ['true', 'false'] },
      });
    if (doc.representation === 'sipx')
      parameters.push({
        name: 'format',
        in: 'query',
        required: false,
        description: 'Representation, instead of the Accept header (XML by default).',
        schema: { type: 'string', enum: ['xml', 'json'] },
      });

    const [status, success] = successResponse(doc);
    const responses: Record<string, Json> = { [status]: success };
    const errors: Record<number, string> = { ...doc.responses };
    delete errors[201];
    if (doc.response?.extended !== undefined) errors[400] ??= '`extended` other than true or false.';
    if (!op.isPublic) {
      errors[401] ??= 'Missing or wrong credentials (with a Basic challenge).';
      errors[429] = [errors[429], 'Too many failed logins from this client or for this user (Retry-After).']
        .filter(Boolean)
        .join(' Or: ');
    }
    if (op.isAdmin) errors[403] = 'Admin role required.';
    for (const [code, description] of Object.entries(errors))
      responses[code] = { description, content: errorContent(doc) };

    const operation: Json = {
      operationId: `${op.method.toLowerCase()}${op.path.replace(/[^A-Za-z0-9]+/g, '_')}`,
      summary: doc.summary,
      ...(doc.description !== undefined || op.isAdmin
        ? {
            description: [doc.description, op.isAdmin ? 'Admin only.' : undefined]
              .filter(Boolean)
              .join('\n\n'),
          }
        : {}),
      tags: [doc.tag],
      parameters,
      responses,
      security: op.isPublic ? [] : [{ basicAuth: [] }],
      ...(op.isAdmin ? { 'x-required-role': 'admin' } : {}),
      ...(doc.representation === 'websocket' ? { 'x-websocket': true } : {}),
    };
    if (pathParameters(op.path).includes('command'))
      operation['x-commands'] = options.commands.map((c) => ({ ...c }));
    if (doc.body !== undefined) {
      schemas[doc.body.name] ??= zodSchema(doc.body.schema);
      const body = ref(doc.body.name);
      const wrapped =
        doc.body.root === undefined ? undefined : wrappedRequestSchemas(doc.body.root, doc.body.name);
      const content: Json = { 'application/json': { schema: wrapped?.json ?? body } };
      if (doc.body.xml) content['application/xml'] = { schema: wrapped?.xml ?? body };
      operation['requestBody'] = { required: true, content };
    }
    (paths[openApiPath(op.path)] ??= {})[op.method.toLowerCase()] = operation;
  }

  return {
    openapi: '3.1.0',
    info: { title: options.title, version: options.version, description: options.description },
    servers: [
      { url: '/', description: 'The daemon' },
      { url: '/sipxconfig/rest', description: "The same resources under sipX's base URL" },
    ],
    tags: [...tags].map((name) => {
      const description = options.tagDescriptions?.[name];
      return description === undefined ? { name } : { name, description };
    }),
    paths,
    components: {
      securitySchemes: { basicAuth: { type: 'http', scheme: 'basic' } },
      schemas,
    },
  };
}
