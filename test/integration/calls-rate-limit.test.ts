// The per-user click-to-call limit over HTTP: the call over the limit is 429 with Retry-After and
// never reaches FreeSWITCH; other users keep their own budget; invalid targets do not use it up.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/daemon-harness.js';
import { logsWith, originates } from '../helpers/click-to-call.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('click-to-call rate limit', () => {
  it('allows CALLS_PER_MINUTE calls per user, then 429 with Retry-After; others are not affected', async () => {
    h = await startHarness({ env: { CALLS_PER_MINUTE: '2' } });
    await h.waitSynced();
    // Invalid targets are refused before the limit is consulted.
    for (let i = 0; i < 3; i++)
      expect((await h.request('PUT', '/my/call/%7Bx%7D', { as: 'owner' })).status).toBe(400);
    expect((await h.request('PUT', '/my/call/9001', { as: 'owner' })).status).toBe(200);
    expect((await h.request('GET', '/call/9002', { as: 'owner' })).status).toBe(200);

    const limited = await h.request('PUT', '/my/call/9003', { as: 'owner', json: true });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await limited.json()).toMatchObject({ code: 429, error: 'at most 2 calls per minute' });
    // The same budget covers every path and verb.
    expect((await h.request('GET', '/sipxconfig/rest/call/9004', { as: 'owner' })).status).toBe(429);

    expect((await h.request('PUT', '/my/call/9005', { as: 'delegate' })).status).toBe(200);
    const sent = originates(h);
    expect(sent).toHaveLength(3);
    expect(sent.filter((l) => l.includes('}user/200@'))).toHaveLength(2);
    expect(sent.some((l) => / 900[34] XML /.test(l))).toBe(false);
    expect(logsWith(h, 'calls-per-minute limit').map((l) => l['user'])).toEqual(['200', '200']);
  });
});
