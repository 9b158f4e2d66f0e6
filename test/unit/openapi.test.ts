// The OpenAPI document: structurally valid OpenAPI 3.1, every route the app registered is in it (and
// nothing else), the access it states is the access the app enforces, request bodies are the zod
// schemas the routes validate with, and the command table is the one the command route parses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { commandDocs } from '../../src/domain/conference-command.js';
import { requireAdmin } from '../../src/http/auth.js';
import {
  buildOpenApi,
  openApiPath,
  plainPath,
  type OpenApiDocument,
} from '../../src/http/openapi/generate.js';
import { ROUTE_DOCS } from '../../src/http/openapi/route-docs.js';
import { createUserSchema, settingSchema } from '../../src/http/schemas.js';
import { createHttpFixture, USERS, basic, type HttpFixture } from '../helpers/http.js';
import { openApiProblems } from '../helpers/openapi-check.js';

let f: HttpFixture;
let doc: OpenApiDocument;

beforeAll(async () => {
  f = await createHttpFixture();
  const res = await f.request('GET', '/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  doc = (await res.json()) as OpenApiDocument;
});
afterAll(() => f.close());

type Op = { path: string; method: string; operation: Record<string, unknown> };
const operations = (): Op[] =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  );

/** A request path for a documented path: every parameter filled with a harmless value. */
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, 'x');

describe('OpenAPI document', () => {
  it('is structurally valid OpenAPI 3.1', () => {
    expect(openApiProblems(doc)).toEqual([]);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('the checker finds broken documents (it can fail)', () => {
    const broken = structuredClone(doc) as unknown as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    const op = broken.paths['/my/conferencedetails/{confName}']!['get']!;
    op['parameters'] = [];
    op['responses'] = { '200': {}, '2000': { description: 'x' } };
    broken.paths['/api/users']!['post']!['requestBody'] = {
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Nope' } } },
    };
    const problems = openApiProblems(broken);
    expect(problems.join('\n')).toMatch(/path template \{confName\} not declared/);
    expect(problems.join('\n')).toMatch(/description required/);
    expect(problems.join('\n')).toMatch(/bad response code 2000/);
    expect(problems.join('\n')).toMatch(/unresolvable \$ref/);
  });

  it('has every registered route, and only those', () => {
    const registered = new Set(
      f.app.routes
        .filter((r) => r.method !== 'ALL')
        .map((r) => `${r.method} ${openApiPath(plainPath(r.path))}`),
    );
    const documented = new Set(operations().map((o) => `${o.method.toUpperCase()} ${o.path}`));
    expect(documented).toEqual(registered);
    for (const must of [
      'GET /health',
      'GET /events',
      'GET /metrics',
      'GET /wallboard',
      'GET /openapi.json',
      'PUT /my/conference/{confName}/{command}',
    ])
      expect(documented).toContain(must);
  });

  it('refuses to build when a route has no entry or an entry has no route', () => {
    const options = {
      title: 't',
      version: '1',
      description: '',
      publicRouteCount: 0,
      adminGuard: requireAdmin,
      commands: [],
    };
    const routes = f.app.routes.map(({ method, path, handler }) => ({ method, path, handler }));
    expect(() =>
      buildOpenApi([...routes, { method: 'GET', path: '/new/thing', handler: () => 1 }], ROUTE_DOCS, options),
    ).toThrow(/undocumented \["GET \/new\/thing"\]/);
    const { ['GET /my/time']: _gone, ...fewer } = ROUTE_DOCS;
    expect(() => buildOpenApi(routes, fewer, options)).toThrow(/undocumented \["GET \/my\/time"\]/);
    expect(() =>
      buildOpenApi(
        routes.filter((r) => r.path !== '/my/time'),
        ROUTE_DOCS,
        options,
      ),
    ).toThrow(/no such route \["GET \/my\/time"\]/);
  });

  it('states the access the app enforces: public, any user, admin', async () => {
    const anonymous = operations().map(async ({ path, method, operation }) => {
      const res = await f.request(method.toUpperCase(), concrete(path));
      const secured = (operation['security'] as unknown[]).length > 0;
      return { op: `${method} ${path}`, secured, refused: res.status === 401 };
    });
    for (const { op, secured, refused } of await Promise.all(anonymous)) expect(refused, op).toBe(secured);

    const auth = basic(USERS.owner.userName, USERS.owner.password);
    for (const { path, method, operation } of operations()) {
      if (operation['x-required-role'] !== 'admin') continue;
      const res = await f.request(method.toUpperCase(), concrete(path), { auth });
      expect(res.status, `${method} ${path} as a user`).toBe(403);
    }
    const admins = operations()
      .filter((o) => o.operation['x-required-role'] === 'admin')
      .map((o) => `${o.method} ${o.path}`);
    expect(admins).toEqual(
      expect.arrayContaining([
        'get /metrics',
        'post /api/users',
        'get /activecdrs/{user}',
        'get /api/activecalls',
      ]),
    );
    expect(admins).not.toContain('get /my/activecdrs');
    const publicOps = operations()
      .filter((o) => (o.operation['security'] as unknown[]).length === 0)
      .map((o) => o.path);
    expect(publicOps.sort()).toEqual(['/health', '/openapi.json']);
  });

  it("request bodies are the routes' zod schemas", () => {
    const schemas = doc.components.schemas;
    const plain = (s: z.ZodType) => {
      const { $schema: _d, ...rest } = z.toJSONSchema(s, {
        target: 'draft-2020-12',
        io: 'input',
        unrepresentable: 'any',
      }) as Record<string, unknown>;
      return rest;
    };
    expect(schemas['CreateUser']).toEqual(plain(createUserSchema));
    expect(schemas['Setting']).toEqual(plain(settingSchema));
    const put = doc.paths['/my/conferences/{name}']!['put'] as {
      requestBody: { content: Record<string, unknown> };
    };
    expect(Object.keys(put.requestBody.content).sort()).toEqual(['application/json', 'application/xml']);
  });

  it('lists the conference commands from the command table', () => {
    const op = doc.paths['/my/conference/{confName}/{command}']!['put'] as Record<string, unknown>;
    expect((op['x-commands'] as Array<{ name: string }>).map((c) => c.name)).toEqual(
      commandDocs().map((c) => c.name),
    );
    const param = (op['parameters'] as Array<{ name: string; description?: string }>).find(
      (p) => p.name === 'command',
    );
    for (const c of commandDocs()) expect(param?.description).toContain(`\`${c.name}`);
  });
});
