// The event stream's cost on the event path: talking events (the most frequent kind) through the live
// state and the stream's diff + filter + send to N connected clients, against the same events with no
// stream at all. The clients live in a worker thread with its own event loop, so the daemon side is
// what is timed; the run ends when every client has received every delta.
//   npx tsx bench/ws-fanout.ts            (or through bench/run.ts as the `fanout` suite)
import { once } from 'node:events';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { WebSocketServer } from 'ws';
import type { EslEvent } from '../src/esl/events.js';
import { createLogger } from '../src/log.js';
import { NODE_SYNCED } from '../src/state/changes.js';
import { LiveState } from '../src/state/node-state.js';
import { EventStream } from '../src/ws/event-stream.js';
import type { Subscriber } from '../src/ws/filter.js';
import { isStreamSocket } from '../src/ws/stream-client.js';
import type { Directory } from '../src/ws/views.js';
import { fmt } from './lib.js';

const NODE = 'fs1:8021';
const CONFERENCE = 'bench-conf';
const MEMBERS = 50;

function memberEvent(action: string, id: number, talking: boolean): EslEvent {
  return {
    name: 'CUSTOM',
    subclass: 'conference::maintenance',
    body: undefined,
    headers: {
      'Event-Name': 'CUSTOM',
      'Event-Subclass': 'conference::maintenance',
      'Conference-Name': CONFERENCE,
      'Conference-Unique-ID': '7f3c7a3e-0000-4000-8000-000000000001',
      Action: action,
      'Member-ID': String(id),
      'Unique-ID': `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
      'Channel-Name': `sofia/internal/${1000 + id}@192.0.2.1:5060`,
      'Caller-Caller-ID-Number': String(1000 + id),
      'Caller-Caller-ID-Name': `Member ${id}`,
      'Call-Direction': 'inbound',
      Hear: 'true',
      Speak: 'true',
      Talking: String(talking),
      'Mute-Detect': 'false',
      'Member-Type': 'member',
      'Energy-Level': '100',
    } as Record<string, string>,
  } as unknown as EslEvent;
}

const directory: Directory = {
  conference: (name) =>
    name === CONFERENCE
      ? { name, owner: 'owner', delegates: [], extension: '3900', description: '' }
      : undefined,
  identity: () => undefined,
};

function setup(events: number): { live: LiveState; talking: EslEvent[] } {
  const live = new LiveState();
  live.addNode(NODE).synced = true;
  live.apply(NODE, { ...memberEvent('conference-create', 1, false) });
  for (let id = 1; id <= MEMBERS; id++) live.apply(NODE, memberEvent('add-member', id, false));
  const talking: EslEvent[] = [];
  for (let i = 0; i < events; i++) {
    const id = (i % MEMBERS) + 1;
    const on = Math.floor(i / MEMBERS) % 2 === 0;
    talking.push(memberEvent(on ? 'start-talking' : 'stop-talking', id, on));
  }
  return { live, talking };
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const WebSocket = require(workerData.ws);
let open = 0, received = 0, target = Infinity;
const sockets = [];
for (let i = 0; i < workerData.clients; i++) {
  const s = new WebSocket(workerData.url + '?i=' + i);
  s.on('open', () => { if (++open === workerData.clients) parentPort.postMessage({ open }); });
  s.on('message', () => { if (++received >= target) { parentPort.postMessage({ received }); target = Infinity; } });
  sockets.push(s);
}
parentPort.on('message', (m) => {
  if (m.expect !== undefined) { target = m.expect; if (received >= target) { parentPort.postMessage({ received }); target = Infinity; } }
  if (m.close) { for (const s of sockets) s.terminate(); parentPort.close(); }
});`;

interface RunResult {
  /** Daemon-thread busy time per event, µs (the clients run on another thread). */
  microsPerEvent: number;
  /** Events per second end to end, until every client had every delta. */
  deliveredPerSecond: number;
}

/** Feeds the talking events through live state + stream with `clients` subscribers connected. */
async function run(
  clients: number,
  events: number,
  subscriber: (i: number) => Subscriber,
): Promise<RunResult> {
  const { live, talking } = setup(events);
  const stream = new EventStream(live, directory, {
    logger: createLogger('silent'),
    maxBufferedBytes: 64 * 1024 * 1024,
    maxClientsPerUser: 1000,
  });
  live.changes.subscribe(stream.onChanges);
  live.changes.publish(NODE, NODE_SYNCED);
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await once(wss, 'listening');
  wss.on('connection', (ws, req) => {
    const i = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('i'));
    if (isStreamSocket(ws)) stream.attach(ws, subscriber(i));
  });
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`;
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { url, clients, ws: createRequire(import.meta.url).resolve('ws') },
  });
  const next = () => once(worker, 'message');
  if (clients > 0) await next();
  const visible = Array.from({ length: clients }, (_, i) => subscriber(i)).filter(
    (s) => s.role === 'admin' || s.userName === 'owner',
  ).length;

  const elu = performance.eventLoopUtilization();
  const started = performance.now();
  for (let i = 0; i < talking.length; i++) {
    const event = talking[i]!;
    live.changes.publish(NODE, live.apply(NODE, event));
    if (i % 100 === 99) {
      // Let the clients keep up (a real daemon would drop the ones that cannot): the daemon's own
      // work is what the event-loop utilisation below counts, not this waiting.
      do await new Promise((r) => setImmediate(r));
      while (Math.max(0, ...stream.bufferedAmounts()) > 1024 * 1024);
    }
  }
  if (clients > 0) {
    const done = next();
    worker.postMessage({ expect: clients + visible * events });
    await done;
  }
  const seconds = (performance.now() - started) / 1000;
  const busy = performance.eventLoopUtilization(elu);
  worker.postMessage({ close: true });
  await stream.close();
  wss.close();
  return { microsPerEvent: (busy.active * 1000) / events, deliveredPerSecond: events / seconds };
}

/** Live state only: what the event path costs without the stream. */
function baseline(events: number): number {
  const { live, talking } = setup(events);
  const started = performance.now();
  for (const event of talking) live.apply(NODE, event);
  return ((performance.now() - started) * 1000) / events;
}

export async function benchFanout(): Promise<string[]> {
  const base = baseline(200_000);
  const admins = (_i: number): Subscriber => ({ userName: 'admin', role: 'admin' });
  const mixed = (i: number): Subscriber =>
    i % 10 === 0 ? { userName: 'owner', role: 'user' } : { userName: `u${i}`, role: 'user' };
  const cases: Array<[string, number, number, (i: number) => Subscriber]> = [
    ['stream, no client', 0, 50_000, admins],
    ['stream, 1 admin client', 1, 20_000, admins],
    ['stream, 100 admin clients (each gets every delta)', 100, 5_000, admins],
    ['stream, 100 user clients (10 may see the conference)', 100, 10_000, mixed],
  ];
  const lines = [
    `| talking event, live state only (${MEMBERS}-member conference) | ${fmt(base, 2)} µs | | ${fmt(1e6 / base)} events/s |`,
  ];
  for (const [name, clients, events, sub] of cases) {
    const r = await run(clients, events, sub);
    lines.push(
      `| talking event, ${name} | ${fmt(r.microsPerEvent, 2)} µs daemon CPU | | ${fmt(1e6 / r.microsPerEvent)} events/s CPU-bound; ${fmt(r.deliveredPerSecond)} delivered/s |`,
    );
  }
  return lines;
}

if (process.argv[1]?.includes('ws-fanout')) {
  for (const line of await benchFanout()) console.log(line);
  process.exit(0);
}
