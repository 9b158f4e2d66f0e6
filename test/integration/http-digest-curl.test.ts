// HTTP Digest against the whole daemon over TCP, with the real curl(1) as the client (sipX's own
// examples use `curl --digest`): --digest and --anyauth log in, a wrong password is 401, a header curl
// sent is refused when replayed, an expired nonce answers stale=true, and the WebSocket upgrade of
// /events accepts Digest like every other route. curl must be installed: without it this suite fails.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { digestAuthorization, digestChallenges } from '../helpers/digest-client.js';
import { PASSWORDS, startHarness, USERS, type Harness } from '../helpers/daemon-harness.js';

const run = promisify(execFile);

let h: Harness;
const clock = { offset: 0 };
beforeAll(async () => {
  h = await startHarness({ auth: { now: () => Date.now() + clock.offset } });
  await h.waitSynced();
});
afterAll(async () => {
  await h?.close();
});

/** Runs curl; resolves with the HTTP status and what curl sent (its -v trace). */
async function curl(args: string[]): Promise<{ status: number; trace: string; body: string }> {
  const { stdout, stderr } = await run('curl', ['-sS', '-v', '-w', '\n%{http_code}', ...args], {
    timeout: 10_000,
  });
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut), trace: stderr };
}

const sentAuthorization = (trace: string) =>
  [...trace.matchAll(/^> Authorization: (.*)\r?$/gim)].map((m) => m[1] ?? '');

describe('curl --digest against the daemon', () => {
  it('is installed (this suite needs it)', async () => {
    const { stdout } = await run('curl', ['--version']);
    expect(stdout).toMatch(/^curl \d/);
  });

  it('curl --digest logs in (SHA-256, the first challenge) by userName and by IM id', async () => {
    for (const login of [USERS.owner.userName, USERS.owner.imId]) {
      const res = await curl([
        '--digest',
        '-u',
        `${login}:${PASSWORDS.owner}`,
        `${h.url}/sipxconfig/rest/my/conferences`,
      ]);
      expect(res.status, login).toBe(200);
      expect(res.body).toContain('alice-conf');
      const [sent] = sentAuthorization(res.trace);
      expect(sent).toMatch(/^Digest username="[^"]+", realm="fs-confd", .*algorithm=SHA-256/);
    }
  });

  it('curl --anyauth picks Digest over Basic and logs in', async () => {
    const res = await curl([
      '--anyauth',
      '-u',
      `200:${PASSWORDS.owner}`,
      `${h.url}/sipxconfig/rest/my/logindetails`,
    ]);
    expect(res.status).toBe(200);
    expect(sentAuthorization(res.trace)[0]).toMatch(/^Digest /);
  });

  it('a wrong password is 401 with the Digest and Basic challenges', async () => {
    const res = await curl(['--digest', '-u', '200:not-the-password', '-D', '-', `${h.url}/my/time`]);
    expect(res.status).toBe(401);
    // Two 401s (curl's first request carries no credentials), each with one line per challenge.
    const challenges = res.body.match(/^WWW-Authenticate: .*$/gim) ?? [];
    expect(challenges.length).toBe(6);
    expect(challenges.slice(3).map((c) => c.replace(/nonce="[^"]+"/, 'nonce="…"').trim())).toEqual([
      'WWW-Authenticate: Digest realm="fs-confd", qop="auth", algorithm=SHA-256, nonce="…"',
      'WWW-Authenticate: Digest realm="fs-confd", qop="auth", algorithm=MD5, nonce="…"',
      'WWW-Authenticate: Basic realm="fs-confd", charset="UTF-8"',
    ]);
  });

  it('the header curl sent is refused when replayed, on another request or the same one', async () => {
    const res = await curl(['--digest', '-u', `200:${PASSWORDS.owner}`, `${h.url}/my/conferences`]);
    expect(res.status).toBe(200);
    const [captured] = sentAuthorization(res.trace);
    expect(captured).toMatch(/^Digest /);
    const replay = (path: string) => fetch(`${h.url}${path}`, { headers: { Authorization: captured! } });
    expect((await replay('/my/logindetails')).status).toBe(401);
    expect((await replay('/my/conferences')).status).toBe(401);
  });

  it('an expired nonce answers 401 with stale=true; the client retries with the new nonce', async () => {
    const first = await fetch(`${h.url}/my/time`);
    const [challenge] = digestChallenges(first.headers.get('www-authenticate'));
    clock.offset += 5 * 60_000 + 1_000;
    const login = { username: '200', password: PASSWORDS.owner, method: 'GET', uri: '/my/time' };
    const res = await fetch(`${h.url}/my/time`, {
      headers: { Authorization: digestAuthorization({ ...login, challenge: challenge! }) },
    });
    expect(res.status).toBe(401);
    const fresh = digestChallenges(res.headers.get('www-authenticate'));
    expect(fresh.map((c) => c.stale)).toEqual([true, true]);
    const retry = await fetch(`${h.url}/my/time`, {
      headers: { Authorization: digestAuthorization({ ...login, challenge: fresh[0]! }) },
    });
    expect(retry.status).toBe(200);
  });

  it('the /events WebSocket upgrade accepts Digest', async () => {
    const first = await fetch(`${h.url}/events`);
    expect(first.status).toBe(401);
    const [challenge] = digestChallenges(first.headers.get('www-authenticate'));
    const authorization = digestAuthorization({
      username: USERS.admin.userName,
      password: PASSWORDS.admin,
      method: 'GET',
      uri: '/events',
      challenge: challenge!,
    });
    const socket = new WebSocket(`${h.url.replace(/^http/, 'ws')}/events`, {
      headers: { Authorization: authorization },
    });
    const [data] = (await once(socket, 'message')) as [Buffer];
    expect(JSON.parse(data.toString()).type).toBe('snapshot');
    socket.close();
    // The same header again (a replay) is refused before any upgrade.
    const again = new WebSocket(`${h.url.replace(/^http/, 'ws')}/events`, {
      headers: { Authorization: authorization },
    });
    const [, response] = (await once(again, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(response.statusCode).toBe(401);
    again.on('error', () => undefined); // terminating a refused handshake reports one
    again.terminate();
  });
});
