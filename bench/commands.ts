// Conference command round trip: `PUT /my/conference/alice-conf/mute&<id>` through the whole daemon
// (HTTP over TCP with keep-alive, Basic auth, validation, ESL to the simulated FreeSWITCH, reply) against
// the same command as a raw ESL `api` on the daemon's own connection to the same simulator, same run,
// alternating so both see the same machine state. Goal: the daemon adds <= 1 ms at the median. An
// authenticated GET /my/keepalive in the same loop shows how much of that is HTTP itself.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../src/config.js';
import { startDaemon } from '../src/daemon.js';
import { newConference } from '../src/domain/conferences.js';
import { newUser } from '../src/domain/users.js';
import { createLogger } from '../src/log.js';
import { startSimulatedFreeswitch } from '../src/sim/start.js';
import { JsonFileStore, STORE_FILE_NAME } from '../src/store/json-file-store.js';
import { STORE_FORMAT, STORE_VERSION } from '../src/store/records.js';
import { fmt, percentile, report } from './lib.js';

const ROUNDS = 3000;
const WARMUP = 300;
const DOMAIN = 'bench.example';
const PASSWORD = 'bench-password-1';

function send(agent: http.Agent, port: number, method: string, path: string, auth: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method, agent, headers: { Authorization: auth } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export async function benchCommands(): Promise<string[]> {
  console.log(`\n## Conference command round trip (${fmt(ROUNDS)} rounds each, alternating)`);
  const sim = await startSimulatedFreeswitch({
    domain: DOMAIN,
    users: { '200': { contact: '127.0.0.1:5200' } },
    reachability: { '127.0.0.1:5200': { kind: 'answer', afterMs: 1 } },
    dialplan: { '3000': { kind: 'conference', name: 'alice-conf', profile: 'default' } },
  });
  const dir = await mkdtemp(join(tmpdir(), 'bench-commands-'));
  const scrypt = { N: 1024, r: 8, p: 1 };
  const user = await newUser(
    { userName: '200', password: PASSWORD, sipPassword: 'BenchSip0001' },
    { sipDomain: DOMAIN, scrypt },
  );
  const conference = newConference({ name: 'alice-conf', owner: '200', extension: '3000' });
  const file = { format: STORE_FORMAT, version: STORE_VERSION, users: [user], conferences: [conference] };
  await writeFile(join(dir, STORE_FILE_NAME), JSON.stringify(file), { mode: 0o600 });
  // The production log level, written nowhere: the cost of logging each command is part of the path.
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const config = loadConfig({ HTTP_PORT: '1', FS_ESL: sim.eslUrl, FS_DOMAIN: DOMAIN, DATA_DIR: dir });
  config.httpPort = 0;
  const daemon = await startDaemon({
    config,
    logger: createLogger('info', sink),
    store: await JsonFileStore.open(dir),
    app: { passwordScrypt: scrypt },
  });
  while ([...daemon.syncs.values()].some((s) => s.status !== 'synced'))
    await new Promise((r) => setTimeout(r, 5));
  await sim.fs.execute('originate', '{origination_caller_id_number=200}user/200 3000 XML default');
  let memberId: number | undefined;
  while (memberId === undefined) {
    memberId = daemon.live.conference('alice-conf')?.conference.members.keys().next().value;
    await new Promise((r) => setTimeout(r, 5));
  }

  const client = daemon.pool.all()[0]!;
  const port = Number(new URL(daemon.url).port);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const auth = `Basic ${Buffer.from(`200:${PASSWORD}`).toString('base64')}`;
  const path = `/my/conference/alice-conf/mute&${memberId}`;
  const line = `conference alice-conf mute ${memberId}`;
  const viaHttp: number[] = [];
  const viaEsl: number[] = [];
  const keepalive: number[] = [];
  for (let i = 0; i < WARMUP + ROUNDS; i++) {
    let t = performance.now();
    await send(agent, port, 'GET', '/my/keepalive', auth);
    const keepaliveMs = performance.now() - t;
    t = performance.now();
    const status = await send(agent, port, 'PUT', path, auth);
    const httpMs = performance.now() - t;
    if (status !== 200) throw new Error(`PUT ${path} answered ${status}`);
    t = performance.now();
    await client.api(line);
    const eslMs = performance.now() - t;
    if (i >= WARMUP) {
      viaHttp.push(httpMs);
      viaEsl.push(eslMs);
      keepalive.push(keepaliveMs);
    }
  }
  agent.destroy();
  await daemon.stop();
  await sim.close();
  await rm(dir, { recursive: true, force: true });

  viaHttp.sort((a, b) => a - b);
  viaEsl.sort((a, b) => a - b);
  keepalive.sort((a, b) => a - b);
  const added = percentile(viaHttp, 50) - percentile(viaEsl, 50);
  const added99 = percentile(viaHttp, 99) - percentile(viaEsl, 99);
  console.log(
    `raw ESL api: median ${fmt(percentile(viaEsl, 50), 3)} ms, p99 ${fmt(percentile(viaEsl, 99), 3)} ms`,
  );
  console.log(
    `through HTTP: median ${fmt(percentile(viaHttp, 50), 3)} ms, p99 ${fmt(percentile(viaHttp, 99), 3)} ms`,
  );
  return [
    report(
      'conference command via HTTP vs raw ESL api, added at the median',
      `+${fmt(added, 3)} ms (${fmt(percentile(viaHttp, 50), 3)} vs ${fmt(percentile(viaEsl, 50), 3)} ms)`,
      '<= 1 ms',
      added <= 1,
    ),
    report('same, added at p99', `+${fmt(added99, 3)} ms`, 'informational', true),
    report(
      'authenticated HTTP round trip without FreeSWITCH (/my/keepalive), median',
      `${fmt(percentile(keepalive, 50), 3)} ms`,
      'informational',
      true,
    ),
  ];
}
