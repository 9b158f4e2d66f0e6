// GET /my/activecdrs with 10,000 live calls across 1,000 users, through the whole daemon app (Basic auth,
// live state, sipX XML), against (a) a bare Hono route answering a body of the same size and (b) a
// handler that asks the simulated FreeSWITCH `show channels as json` on every request and builds the
// same answer from it (what serving wallboards without tracked state would cost). Same run, same client:
// a keep-alive HTTP loop in a worker thread, so the servers keep the main thread to themselves.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { loadConfig } from '../src/config.js';
import { newUser } from '../src/domain/users.js';
import { EslClient } from '../src/esl/client.js';
import { createApp } from '../src/http/app.js';
import { detachedAppDeps } from '../test/helpers/app-deps.js';
import { respond, XML_CONTENT_TYPE } from '../src/http/represent.js';
import { createLogger } from '../src/log.js';
import { startSimulatedFreeswitch, type SimulatedFreeswitch } from '../src/sim/start.js';
import { activeCdrsForUser } from '../src/state/active-cdr.js';
import { LiveState } from '../src/state/node-state.js';
import { callStateFromChannels, parseShowChannelsJson } from '../src/state/snapshot.js';
import { JsonFileStore, STORE_FILE_NAME } from '../src/store/json-file-store.js';
import { STORE_FORMAT, STORE_VERSION } from '../src/store/records.js';
import { bridgedCallEvents, bridgedCallTemplate } from './fixtures.js';
import { fmt, percentile, report } from './lib.js';

const CALLS = 10_000;
const USERS = 1_000;
const FIRST_USER = 2000; // bridgedCallEvents' users
const DOMAIN = 'example.org';
const PASSWORD = 'bench-password-1';
const SCRYPT = { N: 1024, r: 8, p: 1 };
const CONCURRENCY = 32;
const ROUNDS = 5;
const ROUND_MS = 1000;
const EXTENDED_PATH = '/my/activecdrs?extended=true';

const userName = (i: number) => String(FIRST_USER + (i % USERS));
const basic = (user: string) => `Basic ${Buffer.from(`${user}:${PASSWORD}`).toString('base64')}`;

interface LoadResult {
  ok: number;
  errors: number;
  bytes: number;
  seconds: number;
  latenciesMs: number[];
  /** Share of the main thread's time spent working (1 = the server side was the bottleneck). */
  serverBusy: number;
}

// The load loop, run in a worker thread (plain JS: workers evaluate it as CommonJS). `concurrency`
// keep-alive connections each send the next request once the previous answer has been read completely
// (by its Content-Length). Raw sockets, not http.request: the client must cost less than the servers.
const LOAD_LOOP = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const { port, path, auths, concurrency, durationMs, maxRequests } = workerData;
const requests = auths.map((auth) =>
  Buffer.from('GET ' + path + ' HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nAuthorization: ' + auth + '\\r\\n\\r\\n', 'latin1'));
let ok = 0, errors = 0, bytes = 0;
const latenciesMs = [];
const end = Date.now() + durationMs;
function connection(k) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    let buffer = Buffer.alloc(0);
    let next = k;
    let started = 0n;
    let finished = false;
    const finish = () => { if (!finished) { finished = true; socket.destroy(); resolve(); } };
    const send = () => {
      if (Date.now() >= end || ok + errors >= maxRequests) return finish();
      started = process.hrtime.bigint();
      socket.write(requests[next % requests.length]);
      next += concurrency;
    };
    socket.on('connect', send);
    socket.on('data', (chunk) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      while (!finished) {
        const headEnd = buffer.indexOf('\\r\\n\\r\\n');
        if (headEnd === -1) return;
        const head = buffer.toString('latin1', 0, headEnd);
        const length = /\\r\\ncontent-length: *(\\d+)/i.exec(head);
        if (length === null) { errors++; return finish(); }
        const total = headEnd + 4 + Number(length[1]);
        if (buffer.length < total) return;
        if (head.startsWith('HTTP/1.1 200')) { ok++; bytes += Number(length[1]); } else errors++;
        latenciesMs.push(Number(process.hrtime.bigint() - started) / 1e6);
        buffer = buffer.subarray(total);
        send();
      }
    });
    socket.on('error', () => { errors++; finish(); });
    socket.on('close', finish);
  });
}
const t0 = performance.now();
Promise.all(Array.from({ length: concurrency }, (_, k) => connection(k))).then(() => {
  parentPort.postMessage({ ok, errors, bytes, seconds: (performance.now() - t0) / 1000, latenciesMs });
});
`;

async function load(
  port: number,
  options: { durationMs: number; maxRequests?: number; concurrency?: number; path?: string },
): Promise<LoadResult> {
  const auths = Array.from({ length: USERS }, (_, i) => basic(userName(i)));
  const before = performance.eventLoopUtilization();
  const worker = new Worker(LOAD_LOOP, {
    eval: true,
    workerData: {
      port,
      path: options.path ?? '/my/activecdrs',
      auths,
      concurrency: options.concurrency ?? CONCURRENCY,
      durationMs: options.durationMs,
      maxRequests: options.maxRequests ?? Number.MAX_SAFE_INTEGER,
    },
  });
  const result = await new Promise<Omit<LoadResult, 'serverBusy'>>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  const busy = performance.eventLoopUtilization(before).utilization;
  return { ...result, serverBusy: busy };
}

const rps = (r: LoadResult) => r.ok / r.seconds;

function listen(fetch: (request: Request) => Response | Promise<Response>): Promise<ServerType> {
  return new Promise((resolve) => {
    const server = serve({ fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(server));
  });
}
const portOf = (server: ServerType) => (server.address() as AddressInfo).port;
const close = (server: ServerType) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    if ('closeAllConnections' in server) server.closeAllConnections();
  });

/** A store of USERS users sharing one password (one scrypt hash, so setting up costs one hash). */
async function benchStore(dir: string): Promise<JsonFileStore> {
  const template = await newUser(
    { userName: userName(0), password: PASSWORD },
    { sipDomain: undefined, scrypt: SCRYPT },
  );
  const users = Array.from({ length: USERS }, (_, i) => ({ ...template, userName: userName(i) }));
  const file = { format: STORE_FORMAT, version: STORE_VERSION, users, conferences: [] };
  await writeFile(path.join(dir, STORE_FILE_NAME), JSON.stringify(file), { mode: 0o600 });
  return JsonFileStore.open(dir);
}

/** The tracked state: CALLS bridged click-to-calls (the recorded scenario 1a), user 2000+i%1000 each. */
function benchLiveState(): LiveState {
  const live = new LiveState();
  live.addNode('bench').synced = true;
  const template = bridgedCallTemplate();
  for (let i = 0; i < CALLS; i++)
    for (const event of bridgedCallEvents(template, i, USERS)) live.apply('bench', event);
  return live;
}

/** A simulated FreeSWITCH holding the same calls: user/<2xxx> answered and bridged to 5551234. */
async function benchSimulator(): Promise<SimulatedFreeswitch> {
  const users = Object.fromEntries(
    Array.from({ length: USERS }, (_, i) => [userName(i), { contact: '127.0.0.1:5070' }]),
  );
  const sim = await startSimulatedFreeswitch({
    domain: DOMAIN,
    users,
    reachability: {
      '127.0.0.1:5070': { kind: 'answer', afterMs: 0 },
      '127.0.0.1:5072': { kind: 'answer', afterMs: 0 },
    },
  });
  for (let i = 0; i < CALLS; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, CALLS - i) }, (_, k) => {
        const user = userName(i + k);
        return sim.fs.execute(
          'originate',
          `{origination_uuid=${randomUUID()},origination_caller_id_number=${user}}user/${user} ` +
            '&bridge(sofia/internal/5551234@127.0.0.1:5072)',
        );
      }),
    );
  }
  for (let i = 0; i < 500 && sim.fs.snapshot().channels.length < 2 * CALLS; i++)
    await new Promise((r) => setTimeout(r, 20));
  return sim;
}

export async function benchActiveCdrs(): Promise<string[]> {
  console.log(`\n## /my/activecdrs (${fmt(CALLS)} live calls across ${fmt(USERS)} users, XML)`);
  const logger = createLogger('silent');
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-activecdrs-'));
  const store = await benchStore(dir);
  let started = performance.now();
  const live = benchLiveState();
  console.log(
    `live state from ${fmt(CALLS * bridgedCallTemplate().length)} events: ${fmt(performance.now() - started)} ms`,
  );
  const config = loadConfig({ FS_DOMAIN: DOMAIN, DATA_DIR: dir });
  const detached = await detachedAppDeps(store, logger, config, { live, passwordScrypt: SCRYPT });
  const daemonApp = createApp(detached.deps);
  // The daemon's own stack (body limit, Basic auth) answering a constant body of the same size: what is
  // left between this and the daemon is the route's own work.
  let constantBody = '';
  daemonApp.get('/bench/constant', (c) => c.body(constantBody, 200, { 'Content-Type': XML_CONTENT_TYPE }));
  const daemon = await listen(daemonApp.fetch);

  // (a) the same number of bytes from a route that does nothing.
  const sample = await daemonApp.request('/my/activecdrs', {
    headers: { authorization: basic(userName(0)) },
  });
  const body = await sample.text();
  if (sample.status !== 200 || !body.includes('<cdr>')) throw new Error(`daemon answered ${sample.status}`);
  const bareApp = new Hono();
  bareApp.get('/my/activecdrs', (c) => c.body(body, 200, { 'Content-Type': XML_CONTENT_TYPE }));
  const bare = await listen(bareApp.fetch);
  constantBody = body;
  console.log(`body: ${fmt(body.length)} bytes, ${(body.match(/<cdr>/g) ?? []).length} calls per user`);

  // (b) ask FreeSWITCH on every request.
  started = performance.now();
  const sim = await benchSimulator();
  console.log(
    `simulator with ${fmt(sim.fs.snapshot().channels.length)} channels: ${fmt(performance.now() - started)} ms`,
  );
  const esl = new EslClient({
    node: { id: 'bench-sim', host: sim.host, port: sim.port, password: sim.password },
    logger,
    requestTimeoutMs: 120_000,
    events: [],
  });
  const connected = new Promise<void>((resolve) => esl.on('connected', resolve));
  esl.start();
  await connected;
  const askApp = new Hono();
  askApp.get('/my/activecdrs', async (c) => {
    const user = Buffer.from((c.req.header('authorization') ?? '').slice(6), 'base64')
      .toString()
      .split(':')[0]!;
    const rows = parseShowChannelsJson(await esl.api('show channels as json'));
    if (!rows.ok) return c.body(rows.error, 500);
    const cdrs = activeCdrsForUser(callStateFromChannels(rows.value), user, {
      domain: DOMAIN,
      now: Date.now(),
    });
    return respond(c, 200, 'cdrs', cdrs);
  });
  const ask = await listen(askApp.fetch);

  try {
    // Warm-up: every user's login is cached, every path is compiled.
    await load(portOf(daemon), { durationMs: 60_000, maxRequests: 3 * USERS });
    await load(portOf(bare), { durationMs: 500 });
    await load(portOf(daemon), { durationMs: 500, path: '/bench/constant' });
    await load(portOf(daemon), { durationMs: 500, path: EXTENDED_PATH });
    // Interleaved short rounds: other load on the machine hits all three alike, and the ratio is taken
    // per round (the median of the rounds is reported).
    const rounds: Array<{ bare: LoadResult; stack: LoadResult; daemon: LoadResult; extended: LoadResult }> =
      [];
    for (let round = 0; round < ROUNDS; round++)
      rounds.push({
        bare: await load(portOf(bare), { durationMs: ROUND_MS }),
        stack: await load(portOf(daemon), { durationMs: ROUND_MS, path: '/bench/constant' }),
        daemon: await load(portOf(daemon), { durationMs: ROUND_MS }),
        extended: await load(portOf(daemon), { durationMs: ROUND_MS, path: EXTENDED_PATH }),
      });
    const asked = await load(portOf(ask), { durationMs: 5000, maxRequests: 5, concurrency: 1 });

    const median = (values: number[]) => values.sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
    const best = (pick: (r: (typeof rounds)[number]) => LoadResult) =>
      rounds.map(pick).reduce((top, r) => (rps(r) > rps(top) ? r : top));
    const vsBare = median(rounds.map((r) => rps(r.daemon) / rps(r.bare)));
    const vsStack = median(rounds.map((r) => rps(r.daemon) / rps(r.stack)));
    const daemonRps = median(rounds.map((r) => rps(r.daemon)));
    const extendedRps = median(rounds.map((r) => rps(r.extended)));
    const extendedVsDefault = median(rounds.map((r) => rps(r.extended) / rps(r.daemon)));
    const vsAsk = daemonRps / rps(asked);
    const describe = (name: string, r: LoadResult) => {
      const sorted = [...r.latenciesMs].sort((x, y) => x - y);
      console.log(
        `${name} ${fmt(rps(r))} req/s, p50 ${fmt(percentile(sorted, 50), 2)} ms, ` +
          `p99 ${fmt(percentile(sorted, 99), 2)} ms, server busy ${fmt(r.serverBusy * 100)}%, errors ${r.errors}`,
      );
    };
    console.log(`best of ${ROUNDS} rounds of ${ROUND_MS} ms, ${CONCURRENCY} keep-alive connections:`);
    describe(
      '(a) bare Hono route:                 ',
      best((r) => r.bare),
    );
    describe(
      'daemon stack, constant body:         ',
      best((r) => r.stack),
    );
    describe(
      'daemon /my/activecdrs:               ',
      best((r) => r.daemon),
    );
    describe(
      'daemon /my/activecdrs?extended=true: ',
      best((r) => r.extended),
    );
    describe('(b) show channels as json per request:', asked);
    console.log(
      `per-round ratios daemon/bare: ${rounds.map((r) => fmt(rps(r.daemon) / rps(r.bare), 2)).join(' ')}`,
    );
    return [
      report('/my/activecdrs, req/s (10,000 calls, 1,000 users; median round)', fmt(daemonRps), '—', true),
      report(
        '/my/activecdrs vs bare Hono route, same body size',
        `${fmt(vsBare, 2)}x`,
        '>= 0.8x',
        vsBare >= 0.8,
      ),
      report('/my/activecdrs vs the daemon stack with a constant body', `${fmt(vsStack, 2)}x`, '—', true),
      report(
        `/my/activecdrs?extended=true (uuid, state), req/s; vs sipX's form`,
        `${fmt(extendedRps)} (${fmt(extendedVsDefault, 2)}x)`,
        '—',
        true,
      ),
      report(
        '/my/activecdrs vs `show channels as json` per request',
        `${fmt(vsAsk)}x`,
        '>= 50x',
        vsAsk >= 50,
      ),
    ];
  } finally {
    await Promise.all([close(daemon), close(bare), close(ask)]);
    await esl.stop();
    await sim.close();
    await detached.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
