// GET /metrics on the whole daemon: admins only, Prometheus text, the node's ESL connection and live
// members as the simulator changes them, requests labelled by route pattern, refused logins counted.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/daemon-harness.js';
import { basic } from '../helpers/http.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function scrape(harness: Harness): Promise<string> {
  const res = await harness.request('GET', '/metrics', { as: 'admin' });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics', () => {
  it('is for admins: 401 without credentials, 403 for a user; also under /sipxconfig/rest', async () => {
    h = await startHarness();
    expect((await h.request('GET', '/metrics')).status).toBe(401);
    expect((await h.request('GET', '/metrics', { as: 'owner' })).status).toBe(403);
    expect((await h.request('GET', '/sipxconfig/rest/metrics', { as: 'admin' })).status).toBe(200);
  });

  it('with METRICS_OPEN=true needs no credentials (and the OpenAPI document says it is public)', async () => {
    h = await startHarness({ env: { METRICS_OPEN: 'true' } });
    const res = await h.request('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('fsconfd_');
    const doc = (await (await h.request('GET', '/openapi.json')).json()) as {
      paths: Record<string, { get?: { security?: unknown[] } }>;
    };
    expect(doc.paths['/metrics']?.get?.security).toEqual([]);
    // The rest of the API still needs a login.
    expect((await h.request('GET', '/my/conferences')).status).toBe(401);
  });

  it('follows the node, its live members, requests by route pattern and refused logins', async () => {
    h = await startHarness();
    const harness = h;
    await harness.waitSynced();
    const node = harness.daemon.pool.all()[0]!.nodeId;
    let text = await scrape(harness);
    expect(value(text, `fsconfd_esl_up{node="${node}"}`)).toBe(1);
    expect(value(text, `fsconfd_node_synced{node="${node}"}`)).toBe(1);
    expect(value(text, `fsconfd_live_members{node="${node}"}`)).toBe(0);
    // The scrape itself is on an open connection; nothing was closed at a cap.
    expect(value(text, 'fsconfd_http_connections{state="open"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'fsconfd_http_connections_closed_total{reason="evicted"}')).toBe(0);

    await harness.sim.fs.execute('originate', '{origination_caller_id_number=200}user/200 3000 XML default');
    await harness.eventually(
      async () => value(await scrape(harness), `fsconfd_live_members{node="${node}"}`) === 1,
    );
    text = await scrape(harness);
    expect(value(text, `fsconfd_live_calls{node="${node}"}`)).toBe(1);
    expect(value(text, `fsconfd_esl_events_total{node="${node}"}`)).toBeGreaterThan(0);

    // Three different conference names, one route pattern.
    for (const name of ['alice-conf', 'carol-conf', 'no-such-conf'])
      await harness.request('GET', `/my/conferencedetails/${name}`, { as: 'owner' });
    await harness.request('GET', '/sipxconfig/rest/my/conferencedetails/alice-conf', { as: 'owner' });
    await harness.request('GET', '/no/such/path/1', { as: 'owner' });
    await harness.request('GET', '/no/such/path/2', { as: 'owner' });
    text = await scrape(harness);
    const route = '/my/conferencedetails/:confName';
    expect(value(text, `fsconfd_http_requests_total{method="GET",route="${route}",status="200"}`)).toBe(2);
    expect(value(text, `fsconfd_http_requests_total{method="GET",route="${route}",status="403"}`)).toBe(1);
    expect(value(text, `fsconfd_http_requests_total{method="GET",route="${route}",status="404"}`)).toBe(1);
    expect(value(text, `fsconfd_http_requests_total{method="GET",route="unmatched",status="404"}`)).toBe(2);
    expect(value(text, `fsconfd_http_request_duration_seconds_count{method="GET",route="${route}"}`)).toBe(4);
    expect(text).not.toContain('alice-conf');
    expect(text).not.toContain('/no/such/path');

    const before = value(text, 'fsconfd_http_auth_failures_total{reason="bad-credentials"}') ?? 0;
    await harness.request('GET', '/my/logindetails', {
      headers: { Authorization: basic('200', 'wrong-password') },
    });
    await harness.request('GET', '/my/logindetails');
    text = await scrape(harness);
    expect(value(text, 'fsconfd_http_auth_failures_total{reason="bad-credentials"}')).toBe(before + 1);
    expect(
      value(text, 'fsconfd_http_auth_failures_total{reason="missing-credentials"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value(text, `fsconfd_http_requests_total{method="GET",route="/my/logindetails",status="401"}`),
    ).toBe(2);
  });

  it('shows the ESL connection down and reconnects counted when FreeSWITCH goes away', async () => {
    h = await startHarness();
    const harness = h;
    await harness.waitSynced();
    const node = harness.daemon.pool.all()[0]!.nodeId;
    harness.sim.server.dropAllConnections();
    await harness.eventually(async () => {
      const text = await scrape(harness);
      return (value(text, `fsconfd_esl_reconnects_total{node="${node}"}`) ?? 0) >= 1;
    });
    await harness.waitSynced();
    expect(value(await scrape(harness), `fsconfd_esl_up{node="${node}"}`)).toBe(1);
  });
});
