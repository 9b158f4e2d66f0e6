// Password guessing against a real daemon (its own process, production scrypt cost N = 2^14) synced
// with the simulated FreeSWITCH, through a trusted proxy (TRUSTED_PROXIES=127.0.0.1, X-Forwarded-For
// names the attacker). Each scenario targets its own user and addresses, so they do not interfere.
//   1. 200 concurrent wrong passwords from one address: how many were checked (401), how many 429.
//   2. 1,000 concurrent guesses from one address while a legitimate first login is timed.
//   3. 1,000 concurrent guesses from 1,000 addresses (the process-wide cap on checks answers 503)
//      while a first login and a known user's login are timed.
//   4. A distributed attack on one user (250 addresses), after which the user logs in from the
//      address it used before, and a new address is refused.
//   5. A poller's cost: Digest (no scrypt, one nonce, counting up) vs a cached Basic login.
// A 401 to a wrong password means its scrypt check ran; 429/503 mean it never reached scrypt.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { newUser } from '../src/domain/users.js';
import { startSimulatedFreeswitch, type SimulatedFreeswitch } from '../src/sim/start.js';
import { STORE_FILE_NAME } from '../src/store/json-file-store.js';
import { STORE_FORMAT, STORE_VERSION } from '../src/store/records.js';
import { fmt, percentile, report } from './lib.js';

const DOMAIN = 'bench.example';
const password = (user: string) => `bench-pass-${user}`;
const basic = (login: string, pw: string) => `Basic ${Buffer.from(`${login}:${pw}`).toString('base64')}`;

interface Target {
  port: number;
  pid: number;
  child: ChildProcess;
  sim: SimulatedFreeswitch;
  dir: string;
}

interface Answer {
  status: number;
  ms: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function request(
  port: number,
  path: string,
  headers: Record<string, string>,
  agent?: http.Agent,
): Promise<Answer & { headers: http.IncomingHttpHeaders }> {
  const start = performance.now();
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers, agent: agent ?? false }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, ms: performance.now() - start, headers: res.headers }),
      );
    });
    req.on('error', () => resolve({ status: 0, ms: performance.now() - start, headers: {} }));
    req.end();
  });
}

/** The daemon process's CPU time so far (user + system), from /proc. */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in 1/100 s
}

async function startTarget(): Promise<Target> {
  const sim = await startSimulatedFreeswitch({ domain: DOMAIN, users: {}, reachability: {}, dialplan: {} });
  const dir = await mkdtemp(join(tmpdir(), 'bench-attack-'));
  const names = Array.from({ length: 10 }, (_, i) => String(200 + i));
  // Production cost: these hashes are what every check below pays for.
  const users = await Promise.all(
    names.map((n) => newUser({ userName: n, imId: `u${n}`, password: password(n) }, { sipDomain: DOMAIN })),
  );
  const file = { format: STORE_FORMAT, version: STORE_VERSION, users, conferences: [] };
  await writeFile(join(dir, STORE_FILE_NAME), JSON.stringify(file), { mode: 0o600 });
  const port = await freePort();
  const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: {
      ...process.env,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      FS_ESL: sim.eslUrl,
      FS_DOMAIN: DOMAIN,
      DATA_DIR: dir,
      LOG_LEVEL: 'error',
      TRUSTED_PROXIES: '127.0.0.1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; ; i++) {
    const health = await request(port, '/health', {});
    if (health.status === 200) break;
    if (i > 300) throw new Error('the daemon did not become healthy');
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, pid: child.pid ?? 0, child, sim, dir };
}

async function stopTarget(t: Target): Promise<void> {
  t.child.kill('SIGTERM');
  await new Promise((r) => t.child.once('exit', r));
  await t.sim.close();
  await rm(t.dir, { recursive: true, force: true });
}

const get = (t: Target, auth: string, from: string, path = '/my/keepalive') =>
  request(t.port, path, { Authorization: auth, 'X-Forwarded-For': from });

function tally(answers: Answer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
}

/** When the answers of each status arrived: median and slowest, in ms after the flood started. */
function timing(answers: Answer[]): string {
  const statuses = [...new Set(answers.map((a) => a.status))].sort();
  return statuses
    .map((status) => {
      const ms = answers.filter((a) => a.status === status).map((a) => a.ms);
      ms.sort((a, b) => a - b);
      return `${status}: median ${fmt(percentile(ms, 50))}, max ${fmt(ms.at(-1) ?? 0)} ms`;
    })
    .join('; ');
}

const show = (counts: Record<number, number>) =>
  Object.entries(counts)
    .map(([status, n]) => `${fmt(n)}×${status}`)
    .join(', ');

async function oneAddress200(t: Target): Promise<string[]> {
  const cpu = await cpuMs(t.pid);
  const start = performance.now();
  const answers = await Promise.all(
    Array.from({ length: 200 }, (_, i) => get(t, basic('200', `guess-${i}`), '198.51.100.7')),
  );
  const wall = performance.now() - start;
  console.log(`  answers arrived: ${timing(answers)}`);
  const used = (await cpuMs(t.pid)) - cpu;
  const counts = tally(answers);
  console.log(
    `200 concurrent from one address: ${show(counts)} in ${fmt(wall)} ms, daemon CPU ${fmt(used)} ms`,
  );
  const checked = counts[401] ?? 0;
  return [
    report(
      '200 concurrent wrong passwords from one address: checked with scrypt (401)',
      `${checked} (${show(counts)}; daemon CPU ${fmt(used)} ms)`,
      '<= 25, rest 429',
      checked <= 25 && (counts[429] ?? 0) === 200 - checked,
    ),
  ];
}

async function oneAddress1000(t: Target): Promise<string[]> {
  const idle = await get(t, basic('204', password('204')), '203.0.113.4');
  // One login on a connection opened before the flood (the auth path itself), one on a new connection
  // (which queues behind the flood's 1,000 connections to be accepted and read).
  const warm = new http.Agent({ keepAlive: true, maxSockets: 1 });
  expectOk(await request(t.port, '/health', {}, warm), 'health');
  const cpu = await cpuMs(t.pid);
  const clientCpu = process.cpuUsage();
  const start = performance.now();
  const flood = Array.from({ length: 1000 }, (_, i) => get(t, basic('201', `guess-${i}`), '198.51.100.8'));
  const [onOpen, onNew] = await Promise.all([
    request(
      t.port,
      '/my/keepalive',
      { Authorization: basic('202', password('202')), 'X-Forwarded-For': '203.0.113.2' },
      warm,
    ),
    get(t, basic('203', password('203')), '203.0.113.3'),
  ]);
  const answers = await Promise.all(flood);
  const wall = performance.now() - start;
  const { user, system } = process.cpuUsage(clientCpu);
  const counts = tally(answers);
  const used = (await cpuMs(t.pid)) - cpu;
  warm.destroy();
  console.log(`  flood answers arrived: ${timing(answers)}`);
  console.log(
    `  all answered in ${fmt(wall)} ms; CPU meanwhile: daemon ${fmt(used)} ms, this client ` +
      `${fmt((user + system) / 1000)} ms (load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores)`,
  );
  console.log(
    `1,000 from one address: ${show(counts)}, daemon CPU ${fmt(used)} ms; first login ${onOpen.status} in ` +
      `${fmt(onOpen.ms, 1)} ms (open connection), ${onNew.status} in ${fmt(onNew.ms, 1)} ms (new connection); ` +
      `idle: ${fmt(idle.ms, 1)} ms`,
  );
  return [
    report(
      '1,000 concurrent guesses from one address: a legitimate first login meanwhile (open connection)',
      `${onOpen.status} in ${fmt(onOpen.ms)} ms (idle ${fmt(idle.ms)} ms); flood ${show(counts)}, daemon CPU ${fmt(used)} ms`,
      '200 in < 2,000 ms',
      onOpen.status === 200 && onOpen.ms < 2000,
    ),
    report(
      'same, the first login on a new connection (accepted after the flood’s 1,000)',
      `${onNew.status} in ${fmt(onNew.ms)} ms`,
      '200 in < 2,000 ms',
      onNew.status === 200 && onNew.ms < 2000,
    ),
  ];
}

async function distributedFlood(t: Target): Promise<string[]> {
  expectOk(await get(t, basic('207', password('207')), '192.0.2.7'), 'known user first login');
  const cpu = await cpuMs(t.pid);
  const flood = Array.from({ length: 1000 }, (_, i) =>
    get(t, basic('205', `guess-${i}`), `10.${(i >> 8) & 255}.${i & 255}.1`),
  );
  const first = await get(t, basic('206', password('206')), '203.0.113.6');
  // The same user from the address it used before, with a header not cached (its IM id).
  const known = await get(t, basic('u207', password('207')), '192.0.2.7');
  const answers = await Promise.all(flood);
  const counts = tally(answers);
  const used = (await cpuMs(t.pid)) - cpu;
  console.log(`  flood answers arrived: ${timing(answers)}`);
  console.log(
    `1,000 from 1,000 addresses: ${show(counts)}, daemon CPU ${fmt(used)} ms; first login ${first.status} ` +
      `in ${fmt(first.ms, 1)} ms, known user ${known.status} in ${fmt(known.ms, 1)} ms`,
  );
  return [
    report(
      '1,000 concurrent guesses from 1,000 addresses: a known user’s login meanwhile',
      `${known.status} in ${fmt(known.ms)} ms; flood ${show(counts)}, daemon CPU ${fmt(used)} ms`,
      '200 in < 2,000 ms',
      known.status === 200 && known.ms < 2000,
    ),
    report(
      'same, a first login from a new address meanwhile',
      `${first.status} in ${fmt(first.ms)} ms`,
      'informational (503 = retry in 1 s)',
      true,
    ),
  ];
}

async function distributedAttackOnUser(t: Target): Promise<string[]> {
  expectOk(await get(t, basic('208', password('208')), '192.0.2.8'), 'first login from home');
  const answers: Answer[] = [];
  for (let wave = 0; wave < 10; wave++) {
    const batch = Array.from({ length: 100 }, (_, i) => {
      const n = wave * 100 + i;
      return get(t, basic('208', `guess-${n}`), `172.16.${n % 250}.9`);
    });
    answers.push(...(await Promise.all(batch)));
  }
  const counts = tally(answers);
  const home = await get(t, basic('u208', password('208')), '192.0.2.8');
  // The header of the first login is cached (known good, no limit applies): send it another way.
  const elsewhere = await get(t, basic('208', password('208')).replace('Basic', 'basic'), '198.18.0.1');
  console.log(
    `distributed attack on 208 (1,000 guesses, 250 addresses): ${show(counts)}; ` +
      `from home ${home.status} in ${fmt(home.ms, 1)} ms, from a new address ${elsewhere.status}`,
  );
  return [
    report(
      'after a distributed attack (1,000 guesses, 250 addresses), the user from its known address',
      `${home.status} in ${fmt(home.ms)} ms (attack: ${show(counts)}; new address: ${elsewhere.status})`,
      '200',
      home.status === 200,
    ),
  ];
}

function digestHeader(user: string, nonce: string, nc: number, path: string): string {
  const h = (s: string) => createHash('sha256').update(s).digest('hex');
  const cnonce = randomBytes(8).toString('hex');
  const ncHex = nc.toString(16).padStart(8, '0');
  const ha1 = h(`${user}:fs-confd:${password(user)}`);
  const response = h(`${ha1}:${nonce}:${ncHex}:${cnonce}:auth:${h(`GET:${path}`)}`);
  return (
    `Digest username="${user}", realm="fs-confd", nonce="${nonce}", uri="${path}", algorithm=SHA-256, ` +
    `qop=auth, nc=${ncHex}, cnonce="${cnonce}", response="${response}"`
  );
}

async function pollerCost(t: Target): Promise<string[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const path = '/my/keepalive';
  const from = { 'X-Forwarded-For': '192.0.2.9' };
  const challenge = await request(t.port, path, from, agent);
  const nonce = /algorithm=SHA-256, nonce="([^"]+)"/.exec(String(challenge.headers['www-authenticate']))?.[1];
  if (nonce === undefined) throw new Error('no Digest challenge');
  const viaDigest: number[] = [];
  const viaBasic: number[] = [];
  const auth = basic('209', password('209'));
  for (let i = 1; i <= 600; i++) {
    const d = await request(
      t.port,
      path,
      { ...from, Authorization: digestHeader('209', nonce, i, path) },
      agent,
    );
    const b = await request(t.port, path, { ...from, Authorization: auth }, agent);
    expectOk(d, 'Digest poll');
    expectOk(b, 'Basic poll');
    if (i > 100) {
      viaDigest.push(d.ms);
      viaBasic.push(b.ms);
    }
  }
  agent.destroy();
  viaDigest.sort((a, b) => a - b);
  viaBasic.sort((a, b) => a - b);
  const d50 = percentile(viaDigest, 50);
  const b50 = percentile(viaBasic, 50);
  return [
    report(
      'a poller with Digest (new response each request, no scrypt) vs a cached Basic login, median',
      `${fmt(d50, 3)} vs ${fmt(b50, 3)} ms (${fmt(d50 / b50, 2)}x)`,
      'informational',
      true,
    ),
  ];
}

function expectOk(answer: Answer, what: string): void {
  if (answer.status !== 200) throw new Error(`${what} answered ${answer.status}`);
}

export async function benchAttack(): Promise<string[]> {
  console.log('\n## Password guessing against a daemon process (scrypt N = 2^14, through a trusted proxy)');
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${availableParallelism()} cores`,
  );
  const target = await startTarget();
  try {
    return [
      ...(await oneAddress200(target)),
      ...(await oneAddress1000(target)),
      ...(await distributedFlood(target)),
      ...(await distributedAttackOnUser(target)),
      ...(await pollerCost(target)),
    ];
  } finally {
    await stopTarget(target);
  }
}
