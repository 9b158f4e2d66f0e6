// `npm run bench:freeze [-- --freeze-s 70] [--heartbeat-ms 20000]`: issue 13 item 4 measured. The
// simulated FreeSWITCH runs as a child process (bench/freeze-sim.ts) and is stopped with SIGSTOP for
// `--freeze-s` seconds, three times; the daemon runs here with its production settings (ESL_TIMEOUT_MS
// 5000, HEARTBEAT deadline 30 s, probe 5 s). Scenarios:
// - idle: nothing is asked of FreeSWITCH until the daemon has noticed on its own (heartbeat + probe);
// - command-first: a conference command is written to the frozen FreeSWITCH at once;
// - call-first: a click-to-call is written to the frozen FreeSWITCH at once.
// Afterwards, commands and click-to-calls keep coming every 5 s until FreeSWITCH resumes. Measured:
// time to /health 503 and to live reads 503, what each request answered, whether FreeSWITCH applied
// anything after resuming that the user was not told might happen, whether a click-to-call rang late
// (and for how long before the daemon hung it up), and the time back in sync after SIGCONT.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../src/config.js';
import { startDaemon, type Daemon } from '../src/daemon.js';
import { newConference } from '../src/domain/conferences.js';
import { newUser } from '../src/domain/users.js';
import { createLogger } from '../src/log.js';
import { JsonFileStore, STORE_FILE_NAME } from '../src/store/json-file-store.js';
import { STORE_FORMAT, STORE_VERSION } from '../src/store/records.js';
import {
  CONFERENCE,
  DOMAIN,
  PHONE_ANSWERS_AFTER_MS,
  type ChannelLife,
  type SimQuestion,
} from './freeze-shared.js';
import { fmt } from './lib.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
};
const FREEZE_MS = arg('freeze-s', 70) * 1000;
const HEARTBEAT_MS = arg('heartbeat-ms', 20_000);
const PASSWORD = 'bench-password-1';
const TRAFFIC_EVERY_MS = 5000;
const AFTER_RESUME_MS = PHONE_ANSWERS_AFTER_MS * 2;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const now = () => performance.now();

// ---------- the simulator child ----------

class SimChild {
  private next = 1;
  private readonly waiting = new Map<number, (value: unknown) => void>();
  private constructor(readonly child: ChildProcess) {
    child.on('message', (raw: unknown) => {
      const { id, value } = raw as { id: number; value: unknown };
      this.waiting.get(id)?.(value);
      this.waiting.delete(id);
    });
  }

  static async start(): Promise<{ sim: SimChild; eslUrl: string }> {
    const child = fork(join(import.meta.dirname, 'freeze-sim.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, SIM_HEARTBEAT_MS: String(HEARTBEAT_MS) },
    });
    const sim = new SimChild(child);
    const ready = (await new Promise<unknown>((resolve) => sim.waiting.set(0, resolve))) as {
      eslUrl: string;
    };
    return { sim, eslUrl: ready.eslUrl };
  }

  ask<T>(request: SimQuestion): Promise<T> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve as (value: unknown) => void);
      this.child.send({ ...request, id });
    });
  }

  stop(): void {
    this.child.kill('SIGSTOP');
  }
  resume(): void {
    this.child.kill('SIGCONT');
  }
  close(): void {
    this.child.disconnect();
  }
}

// ---------- the daemon ----------

async function startBenchDaemon(eslUrl: string): Promise<{ daemon: Daemon; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-freeze-'));
  const scrypt = { N: 1024, r: 8, p: 1 };
  const users = await Promise.all(
    ['200', '201', '202'].map((userName) =>
      newUser(
        { userName, password: PASSWORD, sipPassword: `BenchSip${userName}0` },
        { sipDomain: DOMAIN, scrypt },
      ),
    ),
  );
  const conference = newConference({ name: CONFERENCE.name, owner: '200', extension: CONFERENCE.extension });
  const file = { format: STORE_FORMAT, version: STORE_VERSION, users, conferences: [conference] };
  await writeFile(join(dir, STORE_FILE_NAME), JSON.stringify(file), { mode: 0o600 });
  const config = loadConfig({ HTTP_PORT: '1', FS_ESL: eslUrl, FS_DOMAIN: DOMAIN, DATA_DIR: dir });
  config.httpPort = 0;
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const daemon = await startDaemon({
    config,
    logger: createLogger('info', sink),
    store: await JsonFileStore.open(dir),
    app: { passwordScrypt: scrypt },
    // The production deadline is 1.5 heartbeat intervals (30 s for FreeSWITCH's 20 s); kept so for
    // quick runs with a faster heartbeat.
    eslLiveness: { liveness: { heartbeatDeadlineMs: HEARTBEAT_MS * 1.5 } },
  });
  return { daemon, dir };
}

const auth = `Basic ${Buffer.from(`200:${PASSWORD}`).toString('base64')}`;

async function http(daemon: Daemon, method: string, path: string): Promise<{ status: number; ms: number }> {
  const t = now();
  const res = await fetch(`${daemon.url}${path}`, {
    method,
    headers: { Authorization: auth, Accept: 'application/json' },
  });
  await res.arrayBuffer();
  return { status: res.status, ms: now() - t };
}

/** When `check` first held (performance.now()), or NaN if it did not within `limitMs`. */
async function until(check: () => Promise<boolean>, limitMs: number, everyMs = 100): Promise<number> {
  const start = now();
  while (now() - start < limitMs) {
    if (await check()) return now();
    await sleep(everyMs);
  }
  return NaN;
}

/** Resolves when the daemon receives FreeSWITCH's next HEARTBEAT. */
function nextHeartbeat(daemon: Daemon): Promise<void> {
  const client = daemon.pool.all()[0]!;
  return new Promise((resolve) => {
    const onEvent = (e: { name: string }) => {
      if (e.name !== 'HEARTBEAT') return;
      client.off('event', onEvent);
      resolve();
    };
    client.on('event', onEvent);
  });
}

// ---------- one freeze ----------

type Scenario = 'idle' | 'command-first' | 'call-first';

interface Sent {
  kind: 'mute' | 'call';
  member?: number;
  atMs: number;
  status: number;
  ms: number;
}

interface Outcome {
  scenario: Scenario;
  healthMs: number;
  readMs: number;
  reason: string | null;
  sent: Sent[];
  syncMs: number;
  readBackMs: number;
  mutedAfter: number[];
  lateChannels: ChannelLife[];
}

async function freeze(
  daemon: Daemon,
  sim: SimChild,
  scenario: Scenario,
  members: number[],
): Promise<Outcome> {
  const detailsPath = `/my/conferencedetails/${CONFERENCE.name}`;
  const health = async () => (await fetch(`${daemon.url}/health`)).status;
  const reason = async () =>
    (
      (await (await fetch(`${daemon.url}/health`)).json()) as {
        nodes: Array<{ lastDisconnect: string | null }>;
      }
    ).nodes[0]!.lastDisconnect;
  const sent: Sent[] = [];
  let t0 = 0;
  const mute = async (member: number) => {
    const atMs = now() - t0;
    const r = await http(daemon, 'PUT', `/my/conference/${CONFERENCE.name}/mute&${member}`);
    sent.push({ kind: 'mute', member, atMs, ...r });
  };
  const call = async () => {
    const atMs = now() - t0;
    const r = await http(daemon, 'PUT', '/my/call/201');
    sent.push({ kind: 'call', atMs, ...r });
  };

  const before = Date.now();
  t0 = now();
  sim.stop();
  const first =
    scenario === 'command-first' ? mute(members[0]!) : scenario === 'call-first' ? call() : Promise.resolve();
  const healthAt = until(async () => (await health()) === 503, FREEZE_MS - 500, 250);
  const readAt = until(
    async () => (await http(daemon, 'GET', detailsPath)).status === 503,
    FREEZE_MS - 500,
    250,
  );
  const [healthT, readT] = await Promise.all([healthAt, readAt]);
  const why = await reason();
  await first;
  // Traffic while FreeSWITCH stays frozen: alternately a command and a click-to-call.
  for (let i = 0; now() - t0 + TRAFFIC_EVERY_MS < FREEZE_MS; i++) {
    await sleep(TRAFFIC_EVERY_MS);
    await (i % 2 === 0 ? mute(members[1]!) : call());
  }
  await sleep(Math.max(0, FREEZE_MS - (now() - t0)));
  const resumedAt = now();
  const resumedWall = Date.now();
  sim.resume();
  const syncT = await until(async () => (await health()) === 200, 120_000, 50);
  const readBackT = await until(
    async () => (await http(daemon, 'GET', detailsPath)).status === 200,
    120_000,
    50,
  );
  await sleep(AFTER_RESUME_MS);
  const list = await sim.ask<Array<{ id: number; canSpeak: boolean }>>({ type: 'members' });
  const channels = await sim.ask<ChannelLife[]>({ type: 'channels' });
  return {
    scenario,
    healthMs: healthT - t0,
    readMs: readT - t0,
    reason: why,
    sent,
    syncMs: syncT - resumedAt,
    readBackMs: readBackT - resumedAt,
    mutedAfter: list.filter((m) => !m.canSpeak).map((m) => m.id),
    lateChannels: channels.filter((c) => c.createdAt >= before && c.createdAt >= resumedWall - 1000),
  };
}

// ---------- the run ----------

function judge(o: Outcome): string[] {
  const problems: string[] = [];
  if (Number.isNaN(o.healthMs) || Number.isNaN(o.readMs))
    problems.push('not reported unavailable while frozen');
  if (Number.isNaN(o.syncMs)) problems.push('not back in sync within 120 s of resuming');
  for (const s of o.sent) {
    if (s.kind === 'mute' && o.mutedAfter.includes(s.member!) && s.status !== 504)
      problems.push(`mute&${s.member} answered ${s.status} but FreeSWITCH applied it after resuming`);
    if (s.status === 200) problems.push(`a ${s.kind} answered 200 while FreeSWITCH was frozen`);
  }
  const told = o.sent.filter((s) => s.kind === 'call' && s.status === 504).length;
  if (o.lateChannels.length > told)
    problems.push(`${o.lateChannels.length} calls placed after resuming, only ${told} answered 504`);
  for (const c of o.lateChannels) {
    if (c.answeredAt !== undefined) problems.push(`late call ${c.uuid} was answered`);
    if (c.hungUpAt === undefined) problems.push(`late call ${c.uuid} still rings`);
  }
  return problems;
}

function report(o: Outcome): void {
  const s = (ms: number) => `${fmt(ms / 1000, 1)} s`;
  const byStatus = (kind: Sent['kind']) => {
    const counts = new Map<number, number>();
    for (const x of o.sent.filter((x) => x.kind === kind))
      counts.set(x.status, (counts.get(x.status) ?? 0) + 1);
    return [...counts].map(([status, n]) => `${n}× ${status}`).join(', ') || 'none';
  };
  const slowest = (status: number) =>
    Math.max(0, ...o.sent.filter((x) => x.status === status).map((x) => x.ms));
  const rang = o.lateChannels.map((c) => `${fmt((c.hungUpAt ?? NaN) - c.createdAt)} ms`).join(', ') || 'none';
  const problems = judge(o);
  console.log(
    `\n### ${o.scenario} (frozen ${s(FREEZE_MS)} right after a HEARTBEAT, heartbeat every ${s(HEARTBEAT_MS)})`,
  );
  console.log('| measure | result |\n| --- | --- |');
  console.log(`| /health 503 after | ${s(o.healthMs)} (${o.reason ?? 'no reason'}) |`);
  console.log(`| live read (conference details) 503 after | ${s(o.readMs)} |`);
  console.log(`| commands during the freeze | ${byStatus('mute')} |`);
  console.log(`| click-to-calls during the freeze | ${byStatus('call')} |`);
  console.log(`| slowest 503 / 504 answer | ${fmt(slowest(503))} ms / ${fmt(slowest(504))} ms |`);
  const each = o.sent.map((x) => `${s(x.atMs)} ${x.kind} ${x.status} (${fmt(x.ms)} ms)`).join('; ');
  console.log(`| each request: sent after, answer (latency) | ${each} |`);
  console.log(`| members muted by FreeSWITCH after it resumed | ${o.mutedAfter.join(', ') || 'none'} |`);
  console.log(`| calls FreeSWITCH placed after resuming (rang before the daemon hung up) | ${rang} |`);
  console.log(`| /health 200 again after SIGCONT | ${s(o.syncMs)} |`);
  console.log(`| live read 200 again after SIGCONT | ${s(o.readBackMs)} |`);
  console.log(
    `| applied or placed without the user being told | ${problems.length === 0 ? 'nothing' : problems.join('; ')} |`,
  );
}

const { sim, eslUrl } = await SimChild.start();
const { daemon, dir } = await startBenchDaemon(eslUrl);
let failed = false;
try {
  const synced = await until(
    async () => [...daemon.syncs.values()].every((x) => x.status === 'synced'),
    10_000,
    20,
  );
  if (Number.isNaN(synced)) throw new Error('the daemon never synced with the simulator');
  for (const user of ['201', '202']) await sim.ask({ type: 'join', user });
  const members = await (async () => {
    let ids: number[] = [];
    await until(async () => {
      ids = [...(daemon.live.conference(CONFERENCE.name)?.conference.members.keys() ?? [])];
      return ids.length === 2;
    }, 20_000);
    if (ids.length !== 2) throw new Error('the members never joined');
    return ids;
  })();
  console.log(`# freeze benchmark — node ${process.version}; SIGSTOP for ${fmt(FREEZE_MS / 1000)} s`);
  for (const scenario of ['idle', 'command-first', 'call-first'] as const) {
    const unmuted = await http(daemon, 'PUT', `/my/conference/${CONFERENCE.name}/unmute&all`);
    if (unmuted.status !== 200) throw new Error(`unmute&all answered ${unmuted.status}`);
    await nextHeartbeat(daemon); // the worst moment: the next heartbeat is a whole interval away
    const outcome = await freeze(daemon, sim, scenario, members);
    report(outcome);
    if (judge(outcome).length > 0) failed = true;
  }
} finally {
  await daemon.stop();
  sim.close();
  await rm(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
