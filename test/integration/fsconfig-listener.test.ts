// The fsconfig listener over TCP: its own port, FreeSWITCH's credentials only, nothing of the user API
// on it and nothing of it on the API port; a directory fetch as sofia makes it for a REGISTER.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FSCONFIG_SECRET, startFsconfigHarness, type FsconfigHarness } from '../helpers/fsconfig-harness.js';
import { basic, PASSWORDS, TEST_DOMAIN, USERS } from '../helpers/http.js';

let h: FsconfigHarness;
beforeAll(async () => {
  h = await startFsconfigHarness();
});
afterAll(async () => {
  await h.close();
});

/** sofia's lookup for a REGISTER from 200 (the fields mod_xml_curl posts, abridged). */
const REGISTER_LOOKUP = [
  `hostname=fs1&section=directory&tag_name=domain&key_name=name&key_value=${TEST_DOMAIN}`,
  `Event-Name=REQUEST_PARAMS&action=sip_auth&sip_profile=internal&sip_user_agent=test&sip_auth_username=200`,
  `sip_auth_realm=${TEST_DOMAIN}&sip_auth_method=REGISTER&user=200&domain=${TEST_DOMAIN}&ip=127.0.0.1`,
].join('&');

const post = (url: string, authorization?: string) =>
  fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(authorization ? { Authorization: authorization } : {}),
    },
    body: REGISTER_LOOKUP,
  });

describe('fsconfig listener', () => {
  it('is a different port from the API', () => {
    expect(h.daemon.fsconfigUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fsconfig$/);
    expect(new URL(h.daemon.fsconfigUrl!).port).not.toBe(new URL(h.daemon.url).port);
  });

  it('answers FreeSWITCH with the user and its digest hash', async () => {
    const res = await post(h.daemon.fsconfigUrl!, basic('freeswitch', FSCONFIG_SECRET));
    expect(res.status).toBe(200);
    const xml = await res.text();
    const a1 = createHash('md5').update(`200:${TEST_DOMAIN}:${USERS.owner.sipPassword}`).digest('hex');
    expect(xml).toContain(`<param name="a1-hash" value="${a1}"/>`);
    expect(xml).not.toContain(USERS.owner.sipPassword);
    expect(h.logs.join('')).not.toContain(a1);
    expect(h.logs.join('')).not.toContain(FSCONFIG_SECRET);
  });

  it("refuses the user API's credentials, an admin's included", async () => {
    for (const who of ['owner', 'admin'] as const) {
      const res = await post(h.daemon.fsconfigUrl!, basic(USERS[who].userName, PASSWORDS[who]));
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain('a1-hash');
    }
    expect((await post(h.daemon.fsconfigUrl!)).status).toBe(401);
  });

  it('serves no API route, and the API port serves no configuration', async () => {
    const fsBase = new URL(h.daemon.fsconfigUrl!).origin;
    const api = await fetch(`${fsBase}/my/conferences`, {
      headers: { Authorization: basic(USERS.owner.userName, PASSWORDS.owner) },
    });
    expect(api.status).toBe(401);
    const withSecret = await fetch(`${fsBase}/health`, {
      headers: { Authorization: basic('freeswitch', FSCONFIG_SECRET) },
    });
    expect(withSecret.status).toBe(404);
    for (const auth of [basic('freeswitch', FSCONFIG_SECRET), basic(USERS.admin.userName, PASSWORDS.admin)]) {
      const res = await post(`${h.daemon.url}/fsconfig`, auth);
      expect([401, 404]).toContain(res.status);
      expect(await res.text()).not.toContain('a1-hash');
    }
  });
});
