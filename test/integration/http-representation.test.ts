// Bodies compared with the sipX seed examples (element and field names, their order, JSON roots),
// content negotiation, hostile strings, the setting document's PUT in XML and JSON, error bodies,
// 405 + Allow, and the /sipxconfig/rest prefix.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { basic, createHttpFixture, jsonOf, PASSWORDS, USERS, type HttpFixture } from '../helpers/http.js';

const here = dirname(fileURLToPath(import.meta.url));
const SEEDS = process.env['FS_SEEDS'] ?? resolve(here, '../../../shared/seeds');
const SEED_000 = readFileSync(resolve(SEEDS, '000_a7cf1e1e2de1e95f.txt'), 'utf8');

/** The seed text of one resource section: from its heading to the next "Unsupported HTTP Method". */
function seedSection(heading: string, uri: string): string {
  const start = SEED_000.indexOf(`${heading}\n\nResource URI: ${uri}`);
  expect(start, heading).toBeGreaterThan(0);
  const end = SEED_000.indexOf('Unsupported HTTP Method', start);
  return SEED_000.slice(start, end);
}

/** First XML example `<root>...</root>` in a section; the seeds' `>>false` typos are repaired. */
function seedXml(section: string, root: string): string {
  const m = new RegExp(`<${root}>[\\s\\S]*?</${root}>`).exec(section);
  expect(m, root).not.toBeNull();
  return (m?.[0] ?? '').replace(/>>/g, '>');
}

/** Element names in document order, as "parent/child" paths (attributes and text ignored). */
function elementPaths(xml: string): string[] {
  const doc = new XMLParser({ preserveOrder: true, ignoreDeclaration: true }).parse(xml) as unknown[];
  const out: string[] = [];
  const walk = (nodes: unknown[], path: string) => {
    for (const node of nodes) {
      for (const [name, children] of Object.entries(node as Record<string, unknown>)) {
        if (name === '#text' || name === ':@') continue;
        const here = path ? `${path}/${name}` : name;
        out.push(here);
        walk(children as unknown[], here);
      }
    }
  };
  walk(doc, '');
  return out;
}

/** JSON field names in the seed section (its JSON examples are split across code blocks). */
function seedJsonKeys(section: string): string[] {
  const json = section.slice(section.indexOf('JSON format'));
  return [...new Set([...json.matchAll(/"([A-Za-z][\w-]*)"\s*:/g)].map((m) => m[1] ?? ''))];
}

const isSubsequence = (needle: string[], hay: string[]) => {
  let i = 0;
  for (const h of hay) if (h === needle[i]) i++;
  return i === needle.length;
};

const OWNER = basic(USERS.owner.userName, PASSWORDS.owner);
let f: HttpFixture;
beforeEach(async () => {
  f = await createHttpFixture();
});
afterEach(async () => {
  await f.close();
});
const get = (path: string, headers: Record<string, string> = {}) =>
  f.request('GET', path, { auth: OWNER, headers });

describe('bodies match the seed examples', () => {
  it('/my/conferences: conferences/conference with exactly the seed elements, in order', async () => {
    const section = seedSection('Filter conferences for a user ID', '/my/conferences');
    const seed = elementPaths(seedXml(section, 'conferences'));
    const res = await get('/my/conferences');
    expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    const xml = await res.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(elementPaths(xml)).toEqual(seed);

    const json = (await (await get('/my/conferences', { Accept: 'application/json' })).json()) as Record<
      string,
      unknown
    >;
    expect(Object.keys(json)).toEqual(['conferences']);
    const entry = (json['conferences'] as Array<Record<string, unknown>>)[0] ?? {};
    expect(Object.keys(entry)).toEqual(seedJsonKeys(section).filter((k) => k !== 'conferences'));
    expect(typeof entry['enabled']).toBe('boolean');
    expect(typeof entry['extension']).toBe('string');
  });

  it("/my/conferences/{name}: setting carries the seed's elements in seed order; the seed-003 ones only when extended", async () => {
    const section = seedSection('View user conference details', '/my/conferences/{name}');
    const seed = elementPaths(seedXml(section, 'setting'));
    const xml = await (await get('/my/conferences/alice-conf')).text();
    const ours = elementPaths(xml);
    expect(isSubsequence(seed, ours), `${seed.join(',')} in ${ours.join(',')}`).toBe(true);
    const extras = ['muteOnEntry', 'endOnOwnerExit', 'ownerRequired', 'moderatorPin', 'attendeeNotification'];
    for (const extra of extras) expect(ours).not.toContain(`setting/${extra}`);
    expect(ours).not.toContain('setting/delegates');
    const extended = elementPaths(await (await get('/my/conferences/alice-conf?extended=true')).text());
    for (const extra of extras) expect(extended).toContain(`setting/${extra}`);
    expect(extended).toContain('setting/delegates/delegate');
    expect(extended.slice(0, ours.length)).toEqual(ours);

    const json = (await (await get('/my/conferences/alice-conf?format=json')).json()) as Record<
      string,
      Record<string, unknown>
    >;
    expect(Object.keys(json)).toEqual(['setting']);
    const keys = Object.keys(json['setting'] ?? {});
    const seedKeys = seedJsonKeys(section).filter((k) => k !== 'setting');
    expect(isSubsequence(seedKeys, keys)).toBe(true);
    expect(json['setting']).toMatchObject({ maxMembers: 0, autorecorded: false, moh: 'FILES_SRC' });
    const full = await jsonOf<{ setting: Record<string, unknown> }>(
      await get('/my/conferences/alice-conf?format=json&extended=true'),
    );
    expect(full.setting).toMatchObject({ delegates: ['201'], extension: '3000' });
  });

  it('/my/logindetails: login-details with exactly the seed elements; JSON the same keys', async () => {
    const section = seedSection('View log in details', '/my/logindetails');
    const seed = elementPaths(seedXml(section, 'login-details'));
    const xml = await (await get('/my/logindetails')).text();
    expect(elementPaths(xml)).toEqual(seed);
    const json = (await (await get('/my/logindetails', { Accept: 'application/json' })).json()) as Record<
      string,
      Record<string, unknown>
    >;
    expect(Object.keys(json)).toEqual(['login-details']);
    expect(Object.keys(json['login-details'] ?? {})).toEqual(
      seedJsonKeys(section).filter((k) => k !== 'login-details'),
    );
    expect(json['login-details']).toEqual({
      userName: '200',
      imId: 'alice',
      ldapImAuth: false,
      sipPassword: 'AliceSip0001',
    });
  });

  it('/my/time is text/plain like the seed ("May 16, 2014 11:19 AM")', async () => {
    const res = await get('/my/time');
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:\d{2} [AP]M$/);
  });
});

describe('hostile strings', () => {
  it('a description full of markup is escaped in XML and intact in JSON', async () => {
    const hostile = `<b>&amp; "quoted" 'single' ]]> </setting><setting> & < >`;
    const admin = basic(USERS.admin.userName, PASSWORDS.admin);
    expect(
      (await f.request('PUT', '/api/conferences/alice-conf', { auth: admin, body: { description: hostile } }))
        .status,
    ).toBe(200);
    for (const path of ['/my/conferences', '/my/conferences/alice-conf']) {
      const xml = await (await get(path)).text();
      expect(XMLValidator.validate(xml)).toBe(true);
      const doc = new XMLParser({ parseTagValue: false, ignoreDeclaration: true }).parse(xml);
      const described = doc.setting?.description ?? doc.conferences.conference.description;
      expect(described).toBe(hostile);
    }
    const json = await jsonOf<{ setting: { description: string } }>(
      await get('/my/conferences/alice-conf?format=json'),
    );
    expect(json.setting.description).toBe(hostile);
  });

  it('control characters are refused on input (400), so they never reach a document', async () => {
    for (const description of ['bell\u0007', 'nul\u0000', 'esc\u001b[31m', 'line\r\nX-Header: 1']) {
      const res = await f.request('PUT', '/my/conferences/alice-conf', {
        auth: OWNER,
        body: { setting: { description } },
      });
      expect(res.status).toBe(400);
    }
  });

  it('hostile conference names in the path are 404, and the error document stays well-formed', async () => {
    for (const name of ['%3Cscript%3E', 'a%26b', '%22quote%22', 'x%00y', '..%2F..%2Fetc', 'a'.repeat(300)]) {
      const res = await get(`/my/conferences/${name}`);
      expect(res.status, name).toBe(404);
      const text = await res.text();
      expect(XMLValidator.validate(text)).toBe(true);
      expect(text).toContain('<error>unknown conference</error>');
    }
  });

  it('an unknown field name full of markup comes back escaped in the 400 error', async () => {
    const res = await f.request('PUT', '/my/conferences/alice-conf', {
      auth: OWNER,
      body: { setting: { '</error><x>&': true } },
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(XMLValidator.validate(text)).toBe(true);
    expect(new XMLParser({ ignoreDeclaration: true }).parse(text).error).toBe("unknown field '</error><x>&'");
  });
});

describe('PUT /my/conferences/{name}', () => {
  it('the XML a client GETs (sipX or extended) can be PUT back unchanged; XML changes apply', async () => {
    for (const query of ['', '?extended=true']) {
      const xml = await (await get(`/my/conferences/alice-conf${query}`)).text();
      const same = await f.request('PUT', `/my/conferences/alice-conf${query}`, {
        auth: OWNER,
        text: xml,
        contentType: 'application/xml',
      });
      expect(same.status).toBe(200);
      expect(await same.text()).toBe(xml);
    }

    const xml = await (await get('/my/conferences/alice-conf?extended=true')).text();
    const changed = xml
      .replace('<maxMembers>0</maxMembers>', '<maxMembers>25</maxMembers>')
      .replace('<muteOnEntry>false</muteOnEntry>', '<muteOnEntry>true</muteOnEntry>')
      .replace(
        '<delegates><delegate>201</delegate></delegates>',
        '<delegates><delegate>201</delegate><delegate>202</delegate></delegates>',
      );
    const res = await f.request('PUT', '/my/conferences/alice-conf', {
      auth: OWNER,
      text: changed,
      contentType: 'text/xml',
    });
    expect(res.status).toBe(200);
    const saved = await f.store.getConference('alice-conf');
    expect(saved).toMatchObject({ maxMembers: 25, muteOnEntry: true, delegates: ['201', '202'] });
  });

  it('accepts the seed JSON shape {"setting": {...}} and a bare object; partial updates keep the rest', async () => {
    const a = await f.request('PUT', '/my/conferences/alice-conf', {
      auth: OWNER,
      body: { setting: { video: true } },
    });
    expect(a.status).toBe(200);
    const b = await f.request('PUT', '/my/conferences/alice-conf?format=json', {
      auth: OWNER,
      body: { moh: 'NONE' },
    });
    expect((await jsonOf(b))['setting']).toMatchObject({ video: true, moh: 'NONE', accessCode: '482915' });
  });

  it('400 for unknown fields, bad values, read-only name/extension, DOCTYPE and malformed XML; 415 otherwise', async () => {
    const put = (text: string, contentType = 'application/xml') =>
      f.request('PUT', '/my/conferences/alice-conf?format=json', { auth: OWNER, text, contentType });
    const cases: Array<[string, string, string | undefined]> = [
      ['<setting><owner>202</owner></setting>', 'application/xml', 'owner'],
      ['<setting><maxMembers>many</maxMembers></setting>', 'application/xml', 'maxMembers'],
      ['<setting><enabled>yes</enabled></setting>', 'application/xml', 'enabled'],
      ['<setting><name>renamed</name></setting>', 'application/xml', 'name'],
      ['<setting><extension>3999</extension></setting>', 'application/xml', 'extension'],
      ['<!DOCTYPE x [<!ENTITY a "b">]><setting><moh>&a;</moh></setting>', 'application/xml', undefined],
      ['<setting><moh>NONE</setting>', 'application/xml', undefined],
      ['<other/>', 'application/xml', undefined],
      ['{"setting":{"maxMembers":"5"}}', 'application/json', 'maxMembers'],
    ];
    for (const [text, type, field] of cases) {
      const res = await put(text, type);
      expect(res.status, text).toBe(400);
      expect((await jsonOf(res))['field'], text).toBe(field);
    }
    expect((await put('maxMembers=5', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect(await f.store.getConference('alice-conf')).toMatchObject({ maxMembers: 0, moh: 'FILES_SRC' });
  });

  it('GET → PUT back unchanged answers 200 and loses nothing, in XML and JSON, sipX and extended', async () => {
    const before = await f.store.getConference('alice-conf');
    for (const query of ['', '?extended=true']) {
      for (const json of [false, true]) {
        const accept: Record<string, string> = json ? { Accept: 'application/json' } : {};
        const got = await get(`/my/conferences/alice-conf${query}`, accept);
        const text = await got.text();
        const res = await f.request('PUT', `/my/conferences/alice-conf${query}`, {
          auth: OWNER,
          text,
          contentType: json ? 'application/json' : 'application/xml',
          headers: accept,
        });
        expect(res.status, `${query} json=${json}`).toBe(200);
        expect(await res.text()).toBe(text);
        expect(await f.store.getConference('alice-conf')).toEqual(before);
      }
    }
  });

  it("accepts every field sipX's own setting had, in sipX's XML and JSON; moderatorCode is the moderator PIN", async () => {
    // The document sipXconfig's UserConferenceResource answered (RepresentableFull, in its order).
    const sipxXml =
      '<setting><enabled>true</enabled><name>alice-conf</name><description>From sipX</description>' +
      '<autorecorded>true</autorecorded><accessCode>1234</accessCode><moderatorCode>5678</moderatorCode>' +
      '<quickstart>false</quickstart><video>true</video><sendActiveVideoOnly>true</sendActiveVideoOnly>' +
      '<maxMembers>12</maxMembers><moh>NONE</moh><moderatedRoom>true</moderatedRoom>' +
      '<publicRoom>true</publicRoom></setting>';
    const xml = await f.request('PUT', '/my/conferences/alice-conf', {
      auth: OWNER,
      text: sipxXml,
      contentType: 'text/xml',
    });
    expect(xml.status).toBe(200);
    expect(await xml.text()).toContain(sipxXml);
    expect(await f.store.getConference('alice-conf')).toMatchObject({
      description: 'From sipX',
      autorecorded: true,
      accessCode: '1234',
      moderatorPin: '5678',
      quickstart: false,
      video: true,
      sendActiveVideoOnly: true,
      maxMembers: 12,
      moh: 'NONE',
      moderatedRoom: true,
      publicRoom: true,
      delegates: ['201'],
      muteOnEntry: false,
    });

    // The same in JSON, wrapped as sipX answered it and bare; null leaves a field as it is (sipX's PUT did).
    const wrapped = await f.request('PUT', '/my/conferences/alice-conf?format=json', {
      auth: OWNER,
      body: { setting: { moderatorCode: '1111', video: false, publicRoom: null, description: null } },
    });
    expect(wrapped.status).toBe(200);
    expect((await jsonOf(wrapped))['setting']).toMatchObject({
      moderatorCode: '1111',
      video: false,
      publicRoom: true,
      description: 'From sipX',
    });
    const bare = await f.request('PUT', '/my/conferences/alice-conf', {
      auth: OWNER,
      body: { moderatedRoom: false, sendActiveVideoOnly: false },
    });
    expect(bare.status).toBe(200);
    expect(await f.store.getConference('alice-conf')).toMatchObject({
      moderatorPin: '1111',
      moderatedRoom: false,
      sendActiveVideoOnly: false,
      video: false,
    });

    // The seed's older, shorter setting (no description, codes) is accepted as well.
    const seedXml =
      '<setting><enabled>true</enabled><name>alice-conf</name><autorecorded>false</autorecorded>' +
      '<quickstart>true</quickstart><video>false</video><sendActiveVideoOnly>false</sendActiveVideoOnly>' +
      '<maxMembers>0</maxMembers><moh>FILES_SRC</moh><moderatedRoom>false</moderatedRoom>' +
      '<publicRoom>true</publicRoom></setting>';
    const seed = await f.request('PUT', '/my/conferences/alice-conf', {
      auth: OWNER,
      text: seedXml,
      contentType: 'application/xml',
    });
    expect(seed.status).toBe(200);
    expect(await f.store.getConference('alice-conf')).toMatchObject({ moderatorPin: '1111', maxMembers: 0 });
  });

  it('400 for moderatorCode and moderatorPin that disagree, and for fields no sipX setting had', async () => {
    const put = (setting: Record<string, unknown>) =>
      f.request('PUT', '/my/conferences/alice-conf?format=json', { auth: OWNER, body: { setting } });
    const disagree = await put({ moderatorCode: '1', moderatorPin: '2' });
    expect(disagree.status).toBe(400);
    expect((await jsonOf(disagree))['field']).toBe('moderatorCode');
    expect((await put({ moderatorCode: '3', moderatorPin: '3' })).status).toBe(200);
    for (const unknown of ['route', 'owner', 'participantAccessCode', 'videoConference', 'id']) {
      const res = await put({ [unknown]: 'x' });
      expect(res.status, unknown).toBe(400);
      expect((await jsonOf(res))['field'], unknown).toBe(unknown);
    }
    expect((await put({ moderatorCode: 'abc' })).status).toBe(400);
    expect(await f.store.getConference('alice-conf')).toMatchObject({ moderatorPin: '3' });
  });

  it('a delegate may change settings but not the delegates; the owner may', async () => {
    const delegate = basic(USERS.delegate.userName, PASSWORDS.delegate);
    const put = (auth: string, setting: unknown) =>
      f.request('PUT', '/my/conferences/alice-conf', { auth, body: { setting } });
    expect((await put(delegate, { maxMembers: 4 })).status).toBe(200);
    expect((await put(delegate, { delegates: ['201'] })).status).toBe(200); // unchanged list is fine
    expect((await put(delegate, { delegates: ['201', '202'] })).status).toBe(403);
    expect((await put(OWNER, { delegates: ['202'] })).status).toBe(200);
    expect((await put(delegate, { maxMembers: 5 })).status).toBe(403); // no longer a delegate
    const unknown = await put(OWNER, { delegates: ['ghost'] });
    expect(unknown.status).toBe(400);
  });
});

describe('errors, verbs and prefix', () => {
  it('error bodies: <error>…</error> by default, {"error","code"} for JSON', async () => {
    const xml = await get('/my/conferences/carol-conf');
    expect(xml.status).toBe(403);
    expect(await xml.text()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<error>not the owner or a delegate of this conference</error>',
    );
    const json = await get('/my/conferences/carol-conf', { Accept: 'application/json' });
    expect(await json.json()).toEqual({ error: 'not the owner or a delegate of this conference', code: 403 });
  });

  it('405 names the allowed verbs, from the registered routes', async () => {
    const cases: Array<[string, string, string]> = [
      ['DELETE', '/my/conferences/alice-conf', 'GET, HEAD, PUT'],
      ['PUT', '/my/conferences', 'GET, HEAD'],
      ['POST', '/sipxconfig/rest/my/logindetails', 'GET, HEAD'],
      ['DELETE', '/my/time', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const res = await f.request(method, path, { auth: OWNER });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
    }
    const admin = basic(USERS.admin.userName, PASSWORDS.admin);
    expect((await f.request('PATCH', '/api/users', { auth: admin })).headers.get('allow')).toBe(
      'GET, HEAD, POST',
    );
    expect((await f.request('POST', '/api/users/200', { auth: admin })).headers.get('allow')).toBe(
      'DELETE, GET, HEAD, PUT',
    );
  });

  it('HEAD answers like GET without a body; the prefix serves the same resources', async () => {
    const head = await f.request('HEAD', '/my/conferences', { auth: OWNER });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const plain = await (await get('/my/conferences/alice-conf')).text();
    const prefixed = await (await get('/sipxconfig/rest/my/conferences/alice-conf')).text();
    expect(prefixed).toBe(plain);
    expect((await get('/sipxconfig/restx/my/time')).status).toBe(404);
  });

  it('/health needs no credentials and reports 503 when not ok', async () => {
    const down = await createHttpFixture({ health: () => ({ ok: false, body: { esl: 'disconnected' } }) });
    try {
      const res = await down.request('GET', '/sipxconfig/rest/health');
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ esl: 'disconnected' });
    } finally {
      await down.close();
    }
  });
});
