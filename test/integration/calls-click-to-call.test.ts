// Click-to-call end to end: the daemon over TCP against the simulated FreeSWITCH. The whole life of a
// call as both users see it in /my/activecdrs, and each way it can fail (not registered, busy, no
// answer, target busy, FreeSWITCH down), with what the logs say about it.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type HarnessOptions } from '../helpers/daemon-harness.js';
import { cdrsOf, logsWith, originates, type CdrJson } from '../helpers/click-to-call.js';

const ALICE_PHONE = '127.0.0.1:5200';
const BOB_PHONE = '127.0.0.1:5201';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function harness(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness(options);
  await h.waitSynced();
  return h;
}

/** PUT /my/call/{to} as Alice (200); returns the call's UUID from the JSON answer. */
async function call(hh: Harness, to: string, path = '/my/call/'): Promise<string> {
  const res = await hh.request('PUT', `${path}${to}`, { as: 'owner', json: true });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { call: { uuid: string; from: string; to: string } };
  expect(body.call.from).toBe('200');
  expect(body.call.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  return body.call.uuid;
}

/** Waits until Alice's and Bob's views both match; returns them. */
async function until(
  hh: Harness,
  check: (alice: CdrJson[], bob: CdrJson[]) => boolean,
  ms?: number,
): Promise<{ alice: CdrJson[]; bob: CdrJson[] }> {
  let seen = { alice: [] as CdrJson[], bob: [] as CdrJson[] };
  await hh.eventually(async () => {
    seen = { alice: await cdrsOf(hh, 'owner'), bob: await cdrsOf(hh, 'delegate') };
    return check(seen.alice, seen.bob);
  }, ms);
  return seen;
}

describe('click-to-call against the simulator', () => {
  it('200 calls 201: ringing, 201 ringing once 200 answered, bridged, hang-up, step by step in both views', async () => {
    const hh = await harness({
      reachability: {
        [ALICE_PHONE]: { kind: 'answer', afterMs: 300 },
        [BOB_PHONE]: { kind: 'answer', afterMs: 300 },
      },
    });
    const uuid = await call(hh, '201');
    // Exactly one originate reached FreeSWITCH: Alice's phone first, 201 through her dialplan context.
    expect(originates(hh)).toEqual([
      `originate {origination_uuid=${uuid},fsconfd_user=200,fsconfd_target=201,` +
        'origination_caller_id_number=201,origination_caller_id_name=201,' +
        'effective_caller_id_number=200,effective_caller_id_name=Alice,originate_timeout=30,' +
        'ignore_early_media=true}user/200@example.org 201 XML default',
    ]);

    // 1. Alice's phone rings; Bob knows nothing yet. The call is to 201 from the start.
    let seen = await until(hh, (a) => a.length === 1);
    expect(seen.alice[0]).toMatchObject({
      uuid,
      state: 'ringing',
      from: '200',
      'from-aor': '<sip:200@example.org>',
      to: '201',
      'to-aor': '<sip:201@example.org>',
      direction: 'OUTGOING',
      recipient: '',
      type: 'Unknown',
    });
    expect(seen.bob).toEqual([]);

    // 2. Alice answered; 201 is dialled through the dialplan and Bob's phone rings: still ringing.
    seen = await until(hh, (a, b) => a[0]?.state === 'ringing' && b.length === 1);
    expect(seen.alice[0]).toMatchObject({
      uuid,
      to: '201',
      'to-aor': '<sip:201@example.org>',
      recipient: '',
    });
    expect(seen.bob[0]).toMatchObject({
      uuid,
      state: 'ringing',
      from: '200',
      to: '201',
      direction: 'INCOMING',
      recipient: '',
    });
    expect(logsWith(hh, 'the user answered').map((l) => l['uuid'])).toEqual([uuid]);

    // 3. Bob answered: bridged, Bob is the recipient in both views.
    seen = await until(hh, (a, b) => a[0]?.state === 'bridged' && b[0]?.state === 'bridged');
    for (const [view, direction] of [
      [seen.alice[0], 'OUTGOING'],
      [seen.bob[0], 'INCOMING'],
    ] as const) {
      expect(view).toMatchObject({
        uuid,
        from: '200',
        to: '201',
        recipient: '201',
        internal: true,
        direction,
      });
      expect(view!['start-time']).toBeGreaterThan(Date.now() - 10_000);
      expect(view!.duration).toBeGreaterThanOrEqual(550);
    }

    // 4. Bob hangs up: the call leaves both views.
    const legs = (await (await hh.request('GET', '/api/activecalls', { as: 'admin' })).json()) as {
      cdrs: Array<{ legs: Array<{ uuid: string; user: string }> }>;
    };
    const bobLeg = legs.cdrs[0]!.legs.find((l) => l.user === '201')!.uuid;
    expect(hh.sim.fs.hangup(bobLeg)).toBe(true);
    await until(hh, (a, b) => a.length === 0 && b.length === 0);
    expect(hh.sim.fs.snapshot().channels).toEqual([]);
  });

  it('works under /sipxconfig/rest, as /call/{to}, with GET, and with an empty or ignored PUT body', async () => {
    const hh = await harness();
    await call(hh, '9999', '/sipxconfig/rest/my/call/');
    await call(hh, '9999', '/call/');
    const get = await hh.request('GET', '/my/call/9999', { as: 'owner' });
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(get.headers.get('cache-control')).toBe('no-store');
    expect(await get.text()).toMatch(
      /^<\?xml[^>]*>\n<call><uuid>[0-9a-f-]{36}<\/uuid><from>200<\/from><to>9999<\/to><\/call>$/,
    );
    const withBody = await hh.request('PUT', '/my/call/9999', { as: 'owner', body: { ignored: 'yes' } });
    expect(withBody.status).toBe(200);
    expect(originates(hh)).toHaveLength(4);
  });

  it('places nothing for HEAD, a cross-site browser GET, or without credentials', async () => {
    const hh = await harness();
    const head = await hh.request('HEAD', '/my/call/201', { as: 'owner' });
    expect(head.status).toBe(405);
    const crossSite = await hh.request('GET', '/my/call/201', {
      as: 'owner',
      headers: { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors' },
    });
    expect(crossSite.status).toBe(403);
    expect((await hh.request('PUT', '/my/call/201')).status).toBe(401);
    expect((await hh.request('POST', '/my/call/201', { as: 'owner' })).status).toBe(405);
    expect(originates(hh)).toEqual([]);
  });

  it('user not registered: answered at once, FreeSWITCH says USER_NOT_REGISTERED, no call ever shows', async () => {
    const hh = await harness();
    hh.sim.fs.setUser('200', {}); // known, no contact
    const uuid = await call(hh, '201');
    await hh.eventually(() => logsWith(hh, 'USER_NOT_REGISTERED').length === 1);
    expect(logsWith(hh, 'USER_NOT_REGISTERED')[0]).toMatchObject({
      uuid,
      user: '200',
      cause: 'USER_NOT_REGISTERED',
    });
    expect(await cdrsOf(hh, 'owner')).toEqual([]);
    expect(hh.sim.fs.snapshot().channels).toEqual([]);
  });

  it("busy: the user's phone shows ringing, then the call is gone and the log says USER_BUSY", async () => {
    const hh = await harness({ reachability: { [ALICE_PHONE]: { kind: 'busy', afterMs: 300 } } });
    const uuid = await call(hh, '201');
    const seen = await until(hh, (a) => a.length === 1);
    expect(seen.alice[0]).toMatchObject({ uuid, state: 'ringing', direction: 'OUTGOING' });
    await until(hh, (a) => a.length === 0);
    await hh.eventually(() => logsWith(hh, 'USER_BUSY').length === 1);
    expect(logsWith(hh, 'USER_BUSY')[0]).toMatchObject({ uuid, cause: 'USER_BUSY' });
    expect(await cdrsOf(hh, 'delegate')).toEqual([]);
  });

  it('no answer: rings for the configured originate timeout, then NO_ANSWER', async () => {
    const hh = await harness({ reachability: { [ALICE_PHONE]: { kind: 'no-answer' } } });
    // ORIGINATE_TIMEOUT_S is at least 5 for operators; click-to-call reads its settings per call, so
    // the test shortens it to keep the suite fast.
    hh.daemon.control.clickToCall.settings.originateTimeoutS = 1;
    const started = Date.now();
    const uuid = await call(hh, '201');
    expect(originates(hh)[0]).toContain(',originate_timeout=1,');
    const seen = await until(hh, (a) => a.length === 1);
    expect(seen.alice[0]).toMatchObject({ uuid, state: 'ringing' });
    await hh.eventually(() => logsWith(hh, 'NO_ANSWER').length === 1, 4000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(logsWith(hh, 'NO_ANSWER')[0]).toMatchObject({ uuid, cause: 'NO_ANSWER' });
    await until(hh, (a) => a.length === 0);
  });

  it('target busy: the user answers, the target is busy, the call ends for both', async () => {
    const hh = await harness({ reachability: { [BOB_PHONE]: { kind: 'busy', afterMs: 300 } } });
    const uuid = await call(hh, '201');
    const seen = await until(hh, (a, b) => a[0]?.state === 'ringing' && b.length === 1);
    expect(seen.bob[0]).toMatchObject({ uuid, state: 'ringing', direction: 'INCOMING', recipient: '' });
    await until(hh, (a, b) => a.length === 0 && b.length === 0);
    expect(logsWith(hh, 'the user answered').map((l) => l['uuid'])).toEqual([uuid]);
  });

  it('FreeSWITCH down: 503 with Retry-After and nothing placed or counted', async () => {
    const hh = await harness({ env: { CALLS_PER_MINUTE: '1' } });
    await hh.sim.close();
    const client = hh.daemon.pool.all()[0]!;
    await hh.eventually(() => client.state !== 'connected');
    const res = await hh.request('PUT', '/my/call/201', { as: 'owner', json: true });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await res.json()) as { code: number }).code).toBe(503);
    expect(originates(hh)).toEqual([]);
  });
});
