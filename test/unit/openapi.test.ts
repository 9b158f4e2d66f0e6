// The OpenAPI document: structurally valid OpenAPI 3.1 (our own checker and Redocly's linter, offline),
// every route the app registered is in it (and nothing else), the access it states is the access the
// app enforces, request bodies are the zod schemas the routes validate with, the sipX resources have
// response schemas (exactly sipX's elements; the ?extended=true forms; the wrapped setting body), the
// event stream's messages are a component, and the command table is the one the command route parses.
// (That the daemon's real answers match these schemas: test/integration/sipx-strict-clients.test.ts.)
import { createConfig, lintFromString } from '@redocly/openapi-core';
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
import { componentValidator } from '../helpers/openapi-validate.js';
import {
  EXTENDED_CDR_ELEMENTS,
  EXTENDED_MEMBER_ELEMENTS,
  EXTENDED_SETTING_ELEMENTS,
  SIPX_CDR_ELEMENTS,
  SIPX_CONFERENCE_DETAILS_ELEMENTS,
  SIPX_CONFERENCE_SUMMARY_ELEMENTS,
  SIPX_LOGIN_DETAILS_ELEMENTS,
  SIPX_MEMBER_ELEMENTS,
  SIPX_SETTING_ELEMENTS,
} from '../../src/domain/sipx-elements.js';

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
    expect(schemas['SettingInput']).toEqual(plain(settingSchema));
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

/**
 * What Redocly's `recommended-strict` rules may still say, each on purpose:
 * - the sipX paths with a trailing slash (sipX's own `/my/conferences/`, and the command route without a
 *   command, which answers 400 like sipX) are part of the contract existing clients use;
 * - /health and /openapi.json are public and have no 4xx answer to describe;
 * - the event stream's success is `101 Switching Protocols`, never a 2xx;
 * - the project has chosen no license (package.json is private), so the document states none.
 */
const LINT_EXCEPTIONS = [
  'info-license #/info',
  'no-path-trailing-slash #/paths/~1my~1conferences~1',
  'no-path-trailing-slash #/paths/~1my~1conference~1{confName}~1',
  'operation-4xx-response #/paths/~1health/get/responses',
  'operation-4xx-response #/paths/~1openapi.json/get/responses',
  'operation-2xx-response #/paths/~1events/get/responses',
];

async function redoclyProblems(document: unknown): Promise<string[]> {
  const config = await createConfig({ extends: ['recommended-strict'] });
  const problems = await lintFromString({
    source: JSON.stringify(document),
    absoluteRef: 'openapi.json',
    config,
  });
  return problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer ?? ''}`).sort();
}

describe("Redocly's linter (recommended-strict, offline)", () => {
  it('finds nothing but the listed deliberate exceptions', async () => {
    expect(await redoclyProblems(doc)).toEqual([...LINT_EXCEPTIONS].sort());
  }, 30_000);

  it('finds a broken schema, an unresolvable $ref and an undeclared path parameter (it can fail)', async () => {
    const broken = structuredClone(doc) as unknown as {
      components: { schemas: Record<string, Record<string, unknown>> };
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    broken.components.schemas['Cdr']!['required'] = 'from';
    broken.paths['/my/logindetails']!['get']!['responses'] = {
      '200': {
        description: 'x',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Nope' } } },
      },
    };
    broken.paths['/my/conferencedetails/{confName}']!['get']!['parameters'] = [];
    const found = (await redoclyProblems(broken)).filter((p) => !LINT_EXCEPTIONS.includes(p));
    expect(found.join('\n')).toMatch(/^struct .*Cdr\/required/m);
    expect(found.join('\n')).toMatch(/^no-unresolved-refs /m);
    expect(found.join('\n')).toMatch(/^path-parameters-defined /m);
  }, 30_000);
});

describe('response schemas of the sipX resources', () => {
  const schemaOf = (name: string) =>
    doc.components.schemas[name] as {
      properties: Record<string, unknown>;
      required: string[];
      additionalProperties: boolean;
      xml?: { name?: string };
    };

  it("list exactly sipX's elements, in order, all required, no others; the extended forms add the extras", () => {
    const cases: Array<[string, readonly string[], string]> = [
      ['Cdr', SIPX_CDR_ELEMENTS, 'cdr'],
      ['ExtendedCdr', [...SIPX_CDR_ELEMENTS, ...EXTENDED_CDR_ELEMENTS], 'cdr'],
      ['Member', SIPX_MEMBER_ELEMENTS, 'member'],
      ['ExtendedMember', [...SIPX_MEMBER_ELEMENTS, ...EXTENDED_MEMBER_ELEMENTS], 'member'],
      ['ConferenceDetails', SIPX_CONFERENCE_DETAILS_ELEMENTS, 'conference'],
      ['ConferenceSummary', SIPX_CONFERENCE_SUMMARY_ELEMENTS, 'conference'],
      ['Setting', SIPX_SETTING_ELEMENTS, 'setting'],
      ['ExtendedSetting', [...SIPX_SETTING_ELEMENTS, ...EXTENDED_SETTING_ELEMENTS], 'setting'],
      ['LoginDetails', SIPX_LOGIN_DETAILS_ELEMENTS, 'login-details'],
    ];
    for (const [name, fields, element] of cases) {
      const schema = schemaOf(name);
      expect(Object.keys(schema.properties), name).toEqual(fields);
      expect(schema.required, name).toEqual(fields);
      expect(schema.additionalProperties, name).toBe(false);
      expect(schema.xml?.name, name).toBe(element);
    }
    const extras = (name: string) =>
      Object.entries(schemaOf(name).properties)
        .filter(([, s]) => String((s as { description?: string }).description).includes('?extended=true'))
        .map(([k]) => k);
    expect(extras('ExtendedCdr')).toEqual([...EXTENDED_CDR_ELEMENTS]);
    expect(extras('ExtendedMember')).toEqual([...EXTENDED_MEMBER_ELEMENTS]);
    expect(extras('ExtendedSetting')).toEqual([...EXTENDED_SETTING_ELEMENTS]);
    expect(extras('Setting')).toEqual([]);
  });

  it('describe each sipX operation in XML and JSON, and ?extended=true where it has extras', () => {
    type Operation = {
      parameters: Array<{ name: string }>;
      responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
    };
    const op = (path: string, method = 'get') => doc.paths[path]![method] as unknown as Operation;
    const ok = (path: string, method = 'get') => op(path, method).responses['200']?.content ?? {};
    const either = (a: string, b: string) => ({
      anyOf: [{ $ref: `#/components/schemas/${a}` }, { $ref: `#/components/schemas/${b}` }],
    });
    const one = (a: string) => ({ $ref: `#/components/schemas/${a}` });
    expect(ok('/my/activecdrs')).toEqual({
      'application/xml': { schema: either('CdrList', 'ExtendedCdrList') },
      'application/json': { schema: either('CdrsDocument', 'ExtendedCdrsDocument') },
    });
    expect(ok('/activecdrs/{user}')).toEqual(ok('/my/activecdrs'));
    expect(ok('/my/conferencedetails/{confName}')['application/json']).toEqual({
      schema: either('ConferenceDetailsDocument', 'ExtendedConferenceDetailsDocument'),
    });
    expect(ok('/my/conferences/{name}', 'put')).toEqual(ok('/my/conferences/{name}'));
    expect(ok('/my/conferences')).toEqual({
      'application/xml': { schema: one('ConferenceList') },
      'application/json': { schema: one('ConferencesDocument') },
    });
    expect(ok('/my/logindetails')['application/xml']).toEqual({ schema: one('LoginDetails') });
    expect(ok('/my/conference/{confName}/{command}', 'put')['application/json']).toEqual({
      schema: one('CommandResponseDocument'),
    });
    for (const path of [
      '/my/activecdrs',
      '/activecdrs/{user}',
      '/my/conferencedetails/{confName}',
      '/my/conferences/{name}',
    ])
      expect(
        op(path).parameters.map((p) => p.name),
        path,
      ).toContain('extended');
    for (const path of ['/my/conferences', '/my/logindetails'])
      expect(
        op(path).parameters.map((p) => p.name),
        path,
      ).not.toContain('extended');
  });

  it('describe the setting body wrapped as sipX sent it and bare, and validate both', () => {
    const put = doc.paths['/my/conferences/{name}']!['put'] as {
      requestBody: { content: Record<string, { schema: Record<string, unknown> }> };
    };
    const json = put.requestBody.content['application/json']!.schema;
    expect(json['oneOf']).toHaveLength(2);
    expect(put.requestBody.content['application/xml']!.schema).toEqual({
      $ref: '#/components/schemas/SettingInput',
      xml: { name: 'setting' },
    });
    const validate = componentValidator({
      ...doc,
      components: { ...doc.components, schemas: { ...doc.components.schemas, SettingBody: json } },
    });
    expect(
      validate('SettingBody', { setting: { moderatorCode: '12', video: true, publicRoom: null } }),
    ).toEqual([]);
    expect(validate('SettingBody', { moderatorCode: '12', video: true })).toEqual([]);
    expect(validate('SettingBody', { setting: { route: 'x' } })).not.toEqual([]);
    expect(validate('SettingBody', { setting: {}, video: true })).not.toEqual([]);
  });

  it("describe the event stream's messages as a component the WebSocket route references", () => {
    const events = doc.paths['/events']!['get'] as {
      responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
    };
    expect(events.responses['101']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/StreamMessage',
    });
    const validate = componentValidator(doc);
    const member = {
      id: 3,
      name: '200',
      imId: 'alice',
      uuid: 'u',
      volumeIn: 0,
      volumeOut: 0,
      energyLevel: 100,
      canHear: true,
      canSpeak: true,
      talking: false,
      moderator: true,
      joinTime: 1,
    };
    expect(validate('StreamMessage', { type: 'member.joined', conference: 'c', member })).toEqual([]);
    expect(validate('StreamMessage', { type: 'heartbeat', time: 5 })).toEqual([]);
    expect(validate('StreamMessage', { type: 'conference.floor', conference: 'c', member: null })).toEqual(
      [],
    );
    expect(
      validate('StreamMessage', { type: 'member.joined', conference: 'c', member: { ...member, x: 1 } }),
    ).not.toEqual([]);
    expect(validate('StreamMessage', { type: 'member.exploded', conference: 'c', member })).not.toEqual([]);
  });
});
