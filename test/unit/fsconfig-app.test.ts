// Who may fetch configuration: only FreeSWITCH, with mod_xml_curl's gateway-credentials, from an
// admitted address. A user's own (valid) API credentials are refused like any other.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { newConference } from '../../src/domain/conferences.js';
import { newUser } from '../../src/domain/users.js';
import { basicMatches, createFsconfigApp, FSCONFIG_PATH } from '../../src/fsconfig/app.js';
import { createLogger } from '../../src/log.js';
import type { Store } from '../../src/store/store.js';
import { basic, PASSWORDS, USERS } from '../helpers/http.js';

const SECRET = 'the-shared-fsconfig-secret';

async function fixture(allow: readonly string[] = []) {
  const alice = await newUser(USERS.owner, { sipDomain: 'example.org', scrypt: { N: 1024, r: 8, p: 1 } });
  const conf = newConference({ name: 'alice-conf', owner: '200', extension: '3000' });
  const store = {
    getUser: (n: string) => Promise.resolve(n === '200' ? alice : undefined),
    getConference: (n: string) => Promise.resolve(n === conf.name ? conf : undefined),
    findConferenceByExtension: (e: string) => Promise.resolve(e === conf.extension ? conf : undefined),
  } as unknown as Store;
  const logs: string[] = [];
  const logger = createLogger(
    'debug',
    new Writable({
      write(chunk: Buffer, _e, done) {
        logs.push(chunk.toString());
        done();
      },
    }),
  );
  const app = createFsconfigApp({
    store,
    logger,
    secret: SECRET,
    allow,
    answer: {
      fsDomain: 'example.org',
      dialplanContext: 'default',
      conferenceProfile: 'default',
      recordingsDir: '/rec',
    },
  });
  const fetchAs = (
    auth: string | undefined,
    opts: { client?: string; body?: string; method?: string; path?: string } = {},
  ) =>
    app.request(
      opts.path ?? FSCONFIG_PATH,
      {
        method: opts.method ?? 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          ...(auth !== undefined ? { Authorization: auth } : {}),
        },
        ...(opts.method === 'GET'
          ? {}
          : { body: opts.body ?? 'section=directory&key_value=example.org&user=200&domain=example.org' }),
      },
      { incoming: { socket: { remoteAddress: opts.client ?? '127.0.0.1', remotePort: 40000 } } },
    );
  return { fetchAs, logs };
}

const FS = basic('freeswitch', SECRET);

describe('fsconfig endpoint access', () => {
  it('answers FreeSWITCH with XML', async () => {
    const { fetchAs } = await fixture();
    const res = await fetchAs(FS);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(await res.text()).toContain('<user id="200">');
  });

  it('refuses a user of the API, even an admin with valid credentials, and wrong or missing secrets', async () => {
    const { fetchAs, logs } = await fixture();
    for (const auth of [
      basic(USERS.owner.userName, PASSWORDS.owner),
      basic(USERS.admin.userName, PASSWORDS.admin),
      basic('freeswitch', 'the-shared-fsconfig-secreT'),
      basic('FreeSWITCH', SECRET),
      basic('freeswitch', `${SECRET}x`),
      `Bearer ${SECRET}`,
      'Basic !!!',
      undefined,
    ]) {
      const res = await fetchAs(auth);
      expect(res.status, String(auth)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="fsconfig"');
      const text = await res.text();
      expect(text).not.toContain('a1-hash');
    }
    expect(logs.join('')).not.toContain(SECRET);
    expect(logs.join('')).not.toContain(PASSWORDS.owner);
  });

  it('refuses addresses FSCONFIG_ALLOW does not admit, before looking at credentials', async () => {
    const { fetchAs } = await fixture(['172.28.0.0/16']);
    expect((await fetchAs(FS, { client: '172.28.0.5' })).status).toBe(200);
    expect((await fetchAs(FS, { client: '::ffff:172.28.9.9' })).status).toBe(200);
    expect((await fetchAs(FS, { client: '127.0.0.1' })).status).toBe(403);
    expect((await fetchAs(undefined, { client: '10.1.1.1' })).status).toBe(403);
  });

  it('serves nothing else: other paths 404, other methods 405, bad forms 400, huge bodies 413', async () => {
    const { fetchAs } = await fixture();
    expect((await fetchAs(FS, { path: '/health', method: 'GET' })).status).toBe(404);
    expect((await fetchAs(FS, { path: '/my/conferences', method: 'GET' })).status).toBe(404);
    const get = await fetchAs(FS, { method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await fetchAs(FS, { body: 'hostname=fs1' })).status).toBe(400);
    expect((await fetchAs(FS, { body: `section=dialplan&x=${'a'.repeat(300 * 1024)}` })).status).toBe(413);
    // unauthenticated requests learn nothing about which paths exist
    expect((await fetchAs(undefined, { path: '/nothing', method: 'GET' })).status).toBe(401);
  });
});

describe('basicMatches', () => {
  it('compares user and password exactly', () => {
    expect(basicMatches(basic('freeswitch', SECRET), 'freeswitch', SECRET)).toBe(true);
    expect(
      basicMatches(`basic ${Buffer.from(`freeswitch:${SECRET}`).toString('base64')}`, 'freeswitch', SECRET),
    ).toBe(true);
    expect(basicMatches(basic('freeswitch', SECRET.slice(0, -1)), 'freeswitch', SECRET)).toBe(false);
    expect(basicMatches(basic('freeswitch', SECRET) + ' ', 'freeswitch', SECRET)).toBe(true);
    expect(basicMatches(`Basic ${'A'.repeat(2000)}`, 'freeswitch', SECRET)).toBe(false);
  });
});
