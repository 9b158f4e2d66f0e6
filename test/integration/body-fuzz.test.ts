// Issue 13 item 6: hostile request bodies are client errors, never a 500. Fixed cases first (element
// and key names that are Object.prototype's, 2,000 and 20,000 nested tags, names `.`/`..`), then
// seeded generated bodies: XML and JSON settings documents (PUT /my/conferences/{name}), admin JSON
// (POST /api/users, /api/conferences) and mod_xml_curl forms (POST /fsconfig). Every answer must be a
// 2xx or a 4xx, nothing may be logged at error level, Object.prototype must be untouched, a created
// name must be readable and deletable through its URL, and the store must still open afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsconfigApp, FSCONFIG_PATH } from '../../src/fsconfig/app.js';
import { JsonFileStore } from '../../src/store/json-file-store.js';
import { capturedLogger } from '../helpers/daemon-harness.js';
import { basic, createHttpFixture, PASSWORDS, USERS, type HttpFixture } from '../helpers/http.js';
import { prng } from '../helpers/prng.js';

const OWNER = basic(USERS.owner.userName, PASSWORDS.owner);
const ADMIN = basic(USERS.admin.userName, PASSWORDS.admin);
const SECRET = 'body-fuzz-fsconfig-secret';
const RESERVED = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
  '__lookupSetter__',
];

let f: HttpFixture;
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
beforeAll(async () => {
  f = await createHttpFixture();
});
afterAll(async () => {
  // Nothing reached Object.prototype, nothing was logged as an error, the data file still loads.
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
  expect(({} as Record<string, unknown>)['role']).toBeUndefined();
  expect(f.logs.filter((line) => line.includes('"level":50'))).toEqual([]);
  await f.store.close();
  await (await JsonFileStore.open(f.dir)).close();
  await f.close();
});

const putSetting = (text: string, contentType: string) =>
  f.request('PUT', '/my/conferences/alice-conf?format=json', { auth: OWNER, text, contentType });
const XML = 'application/xml';
const JSON_TYPE = 'application/json';

/** Statuses a hostile body may get: accepted, or refused as the client's fault. */
function expectClientOutcome(status: number, what: string): void {
  expect([200, 201, 204, 400, 403, 404, 409, 413, 415], what.slice(0, 200)).toContain(status);
}

describe('fixed hostile bodies', () => {
  it('XML elements named like Object.prototype members are 400, never 500', async () => {
    for (const name of RESERVED) {
      for (const text of [
        `<setting><${name}>1</${name}></setting>`,
        `<setting><moh>NONE</moh><${name}><moh>x</moh></${name}></setting>`,
        `<setting><delegates><${name}>201</${name}></delegates></setting>`,
        `<setting><delegates><delegate>201</delegate><${name}/></delegates></setting>`,
        `<${name}><moh>NONE</moh></${name}>`,
      ]) {
        const res = await putSetting(text, XML);
        expect(res.status, text).toBe(400);
      }
      // Attributes are ignored, whatever their name.
      const attr = await putSetting(`<setting><moh ${name}="x">NONE</moh></setting>`, XML);
      expect(attr.status, name).toBe(200);
    }
  });

  it('deeply nested XML is 400 (2,000 and 20,000 levels, also inside delegates)', async () => {
    for (const depth of [9, 2_000, 20_000]) {
      const deep = `${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}`;
      for (const text of [
        `<setting>${deep}</setting>`,
        `<setting><delegates>${deep}</delegates></setting>`,
        `<setting><description>${deep}</description></setting>`,
      ]) {
        if (text.length > 64 * 1024) continue;
        const res = await putSetting(text, XML);
        expect(res.status, `depth ${depth}`).toBe(400);
      }
    }
    const unclosed = await putSetting(`<setting>${'<a>'.repeat(20_000)}</setting>`, XML);
    expect(unclosed.status).toBe(400);
  });

  it('JSON keys named like Object.prototype members are unknown fields (400)', async () => {
    const before = await f.store.getConference('alice-conf');
    for (const name of RESERVED) {
      const text = `{"setting":{"${name}":{"moh":"NONE","role":"admin"}}}`;
      const res = await putSetting(text, JSON_TYPE);
      expect(res.status, text).toBe(400);
      const bare = await putSetting(`{"${name}":{"moh":"NONE"}}`, JSON_TYPE);
      expect(bare.status, name).toBe(400);
      const user = await f.request('POST', '/api/users', {
        auth: ADMIN,
        text: `{"userName":"p-${name.replace(/_/g, 'u')}","password":"long-password-1","${name}":{"role":"admin"}}`,
      });
      expect(user.status, name).toBe(400);
    }
    expect(await f.store.getConference('alice-conf')).toBe(before);
  });

  it('deeply nested JSON is 400', async () => {
    const deep = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;
    expect((await putSetting(`{"setting":{"delegates":${deep}}}`, JSON_TYPE)).status).toBe(400);
    expect((await putSetting(deep, JSON_TYPE)).status).toBe(400);
    const obj = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    expect((await putSetting(obj, JSON_TYPE)).status).toBe(400);
    const admin = await f.request('POST', '/api/conferences', { auth: ADMIN, text: obj });
    expect(admin.status).toBe(400);
  });

  it('names `.` and `..` are refused at creation, for users and conferences', async () => {
    for (const name of ['.', '..']) {
      const user = await f.request('POST', '/api/users', {
        auth: ADMIN,
        body: { userName: name, password: 'long-password-1' },
      });
      expect(user.status).toBe(400);
      expect(await user.json()).toMatchObject({ field: 'userName' });
      const conf = await f.request('POST', '/api/conferences', {
        auth: ADMIN,
        body: { name, owner: '200', extension: '3999' },
      });
      expect(conf.status).toBe(400);
      expect(await conf.json()).toMatchObject({ field: 'name' });
    }
    // Other dotted names are ordinary path segments.
    for (const name of ['...', '.a', 'a.', 'a..b']) {
      const created = await f.request('POST', '/api/users', {
        auth: ADMIN,
        body: { userName: name, password: 'long-password-1' },
      });
      expect(created.status, name).toBe(201);
      const path = created.headers.get('location')!;
      expect((await f.request('GET', path, { auth: ADMIN })).status, name).toBe(200);
      expect((await f.request('DELETE', path, { auth: ADMIN })).status, name).toBe(204);
    }
  });
});

// ---- generators ---------------------------------------------------------------------------------
type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const FIELDS = [
  'description',
  'enabled',
  'accessCode',
  'maxMembers',
  'moh',
  'muteOnEntry',
  'moderatorPin',
  'attendeeNotification',
  'delegates',
  'name',
  'extension',
  'video',
];
const VALUES = [
  'true',
  'false',
  'yes',
  '0',
  '5',
  '-1',
  '1',
  '99999999999',
  'NONE',
  'FILES_SRC',
  'local_stream://moh',
  'tone',
  'none',
  '1234',
  'alice-conf',
  '3000',
  '201',
  '',
  ' ',
  'Grüß Gott',
  '😀',
  '\u202e',
  '&lt;b&gt;',
  '&amp;',
  '&#0;',
  '&#x1F600;',
  '&#xD800;',
  '&#99999999;',
  '&bogus;',
  '<![CDATA[x]]>',
  '<!-- c -->',
  '<?pi x?>',
  'x'.repeat(300),
];
const NAME_CHARS = 'abcXYZ_:-.0123456789';

function randomName(random: Random): string {
  const r = random();
  if (r < 0.45) return pick(random, FIELDS);
  if (r < 0.6) return pick(random, RESERVED);
  if (r < 0.7) return 'delegate';
  let name = pick(random, ['a', 'b', '_', 'X', ':', '1']);
  const length = Math.floor(random() * 8);
  for (let i = 0; i < length; i++) name += pick(random, NAME_CHARS.split(''));
  return name;
}

function randomXmlContent(random: Random, depth: number): string {
  const parts: string[] = [];
  const count = 1 + Math.floor(random() * 4);
  for (let i = 0; i < count; i++) {
    const name = randomName(random);
    const r = random();
    if (r < 0.1) parts.push(`<${name}/>`);
    else if (r < 0.3 && depth < 40)
      parts.push(`<${name}>${randomXmlContent(random, depth + 1 + Math.floor(random() * 5))}</${name}>`);
    else if (r < 0.35) parts.push(`<${name} ${pick(random, RESERVED)}="1">${pick(random, VALUES)}</${name}>`);
    else parts.push(`<${name}>${pick(random, VALUES)}</${name}>`);
  }
  return parts.join('');
}

function mutate(random: Random, text: string): string {
  const r = random();
  const at = Math.floor(random() * (text.length + 1));
  if (r < 0.08) return text.slice(0, at);
  if (r < 0.16)
    return (
      text.slice(0, at) + pick(random, ['<', '>', '&', '"', '\0', '</', ']]>', '{', '}']) + text.slice(at)
    );
  if (r < 0.2) return text.slice(0, at) + text.slice(at).repeat(3);
  return text;
}

function randomXml(random: Random): string {
  const root = random() < 0.9 ? 'setting' : randomName(random);
  const prolog = random() < 0.1 ? '<?xml version="1.0" encoding="UTF-8"?>' : '';
  return mutate(random, `${prolog}<${root}>${randomXmlContent(random, 1)}</${root}>`);
}

function randomJsonValue(random: Random, depth: number): unknown {
  const r = random();
  if (r < 0.15 && depth < 30)
    return Array.from({ length: Math.floor(random() * 3) }, () => randomJsonValue(random, depth + 1));
  if (r < 0.3 && depth < 30) return randomJsonObject(random, depth + 1);
  if (r < 0.45) return random() < 0.5;
  if (r < 0.6) return Math.floor(random() * 20_000) - 10;
  if (r < 0.65) return null;
  return pick(random, VALUES);
}

function randomJsonObject(random: Random, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const count = Math.floor(random() * 4);
  for (let i = 0; i < count; i++) {
    // defineProperty: a key named __proto__ must be an own key in the JSON text too.
    Object.defineProperty(out, randomName(random), {
      value: randomJsonValue(random, depth),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function randomJson(random: Random): string {
  const body = randomJsonObject(random, 0);
  return mutate(random, JSON.stringify(random() < 0.6 ? { setting: body } : body));
}

const ADMIN_NAMES = [
  '.',
  '..',
  '...',
  '%2E',
  'a.b',
  '-',
  '_',
  '.a',
  'x'.repeat(64),
  'x'.repeat(65),
  '',
  ' ',
  'a/b',
  'é',
];

function randomAdminBody(random: Random, kind: 'users' | 'conferences', i: number): string {
  const name = random() < 0.5 ? pick(random, ADMIN_NAMES) : `fz${i}${pick(random, ['', '.', '..', '-x'])}`;
  const base: Record<string, unknown> =
    kind === 'users'
      ? { userName: name, password: 'fuzz-password-1' }
      : { name, owner: '200', extension: String(5000 + i) };
  const extra = randomJsonObject(random, 0);
  const body = random() < 0.5 ? base : { ...base, ...extra };
  return mutate(random, JSON.stringify(body));
}

// ---- generated --------------------------------------------------------------------------------
describe('generated bodies (seeded)', () => {
  it('1,000 XML and 1,000 JSON setting documents: 200 or 4xx', async () => {
    const random = prng(1313);
    const seen = new Map<number, number>();
    for (let i = 0; i < 2_000; i++) {
      const xml = i % 2 === 0;
      const text = xml ? randomXml(random) : randomJson(random);
      const res = await putSetting(text, xml ? XML : JSON_TYPE);
      expectClientOutcome(res.status, text);
      seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
    }
    // The generator reaches both sides of the validation.
    expect(seen.get(200) ?? 0).toBeGreaterThan(30);
    expect(seen.get(400) ?? 0).toBeGreaterThan(1_000);
  });

  it('600 admin creates: refused with 4xx, or created under a name its URL reads and deletes', async () => {
    const random = prng(2626);
    let created = 0;
    for (let i = 0; i < 600; i++) {
      const kind = i % 2 === 0 ? 'users' : 'conferences';
      const text = randomAdminBody(random, kind, i);
      const res = await f.request('POST', `/api/${kind}`, { auth: ADMIN, text });
      expectClientOutcome(res.status, text);
      if (res.status !== 201) continue;
      created++;
      const path = res.headers.get('location')!;
      expect((await f.request('GET', path, { auth: ADMIN })).status, path).toBe(200);
      expect((await f.request('DELETE', path, { auth: ADMIN })).status, path).toBe(204);
    }
    expect(created).toBeGreaterThan(20);
  });

  it('2,000 mod_xml_curl forms with hostile field names and values: 200 or 400', async () => {
    const fsconfigLog = capturedLogger();
    const app = createFsconfigApp({
      store: f.store,
      logger: fsconfigLog.logger,
      secret: SECRET,
      allow: [],
      answer: {
        fsDomain: 'example.org',
        dialplanContext: 'default',
        conferenceProfile: 'default',
        recordingsDir: '/rec',
      },
    });
    const names = [
      'section',
      'key_value',
      'user',
      'domain',
      'action',
      'purpose',
      'conference_name',
      'profile_name',
      'Action',
      'Hunt-Destination-Number',
      'Hunt-Context',
      'Caller-Destination-Number',
      'Caller-Context',
      ...RESERVED,
      'hasOwnProperty',
      '',
      '%',
      '\0',
    ];
    const values = [
      'directory',
      'dialplan',
      'configuration',
      'conference.conf',
      'example.org',
      '200',
      '3000',
      'alice-conf',
      'default',
      'sip_auth',
      'user_call',
      ...RESERVED,
      '',
      '%00',
      '\r\n',
      '😀',
      'x'.repeat(300),
    ];
    const random = prng(3939);
    const env = { incoming: { socket: { remoteAddress: '127.0.0.1', remotePort: 40000 } } };
    for (let i = 0; i < 2_000; i++) {
      const count = Math.floor(random() * 8);
      const parts: string[] = [];
      for (let j = 0; j < count; j++) {
        const raw = random() < 0.1;
        const name = pick(random, names);
        const value = pick(random, values);
        parts.push(raw ? `${name}=${value}` : `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
      }
      const body = mutate(random, parts.join('&'));
      const res = await app.request(
        FSCONFIG_PATH,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            Authorization: basic('freeswitch', SECRET),
          },
          body,
        },
        env,
      );
      expect([200, 400], body).toContain(res.status);
    }
    expect(fsconfigLog.logs.filter((line) => line.includes('"level":50'))).toEqual([]);
  });
});
