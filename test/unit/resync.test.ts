// NodeSync without sockets: a fake ESL source whose snapshot replies the test releases by hand, so the
// orderings that matter (events during the snapshot, a disconnect mid-snapshot) are exercised exactly.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EslEvent } from '../../src/esl/events.js';
import { decodeEventFrame, isEventFrame } from '../../src/esl/events.js';
import { splitFrames } from '../../src/esl/frames.js';
import { createLogger } from '../../src/log.js';
import type { StateChange } from '../../src/state/changes.js';
import { LiveState } from '../../src/state/node-state.js';
import { channelDumpCommand, NodeSync, SNAPSHOT_COMMANDS, type SyncSource } from '../../src/state/resync.js';
import { capturedLogger as capturingLogger } from '../helpers/daemon-harness.js';
import { eventually } from '../helpers/eventually.js';
import { TRANSCRIPT_DIR } from '../helpers/transcripts.js';

type Listener = (...args: never[]) => unknown;

class FakeSource implements SyncSource {
  readonly nodeId = 'fs1:8021';
  private listeners = new Map<string, Listener[]>();
  pending: Array<{ command: string; resolve: (body: string) => void; reject: (e: Error) => void }> = [];

  on(name: string, listener: Listener): void {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
  }
  emit(name: string, ...args: unknown[]): void {
    for (const l of this.listeners.get(name) ?? []) (l as (...a: unknown[]) => unknown)(...args);
  }
  api(command: string): Promise<string> {
    return new Promise((resolve, reject) => this.pending.push({ command, resolve, reject }));
  }
  async answer(command: string, body: string): Promise<void> {
    for (let i = 0; i < 50 && !this.pending.some((p) => p.command === command); i++) await Promise.resolve();
    const index = this.pending.findIndex((p) => p.command === command);
    if (index === -1) throw new Error(`no pending ${command}`);
    const [request] = this.pending.splice(index, 1);
    request!.resolve(body);
  }
}

/** The conference events of the recorded JSON scenario, in order. */
function conferenceEvents(): EslEvent[] {
  const bytes = readFileSync(path.join(TRANSCRIPT_DIR, 'conference-json.txt'));
  return splitFrames(bytes)
    .frames.filter(isEventFrame)
    .map(decodeEventFrame)
    .flatMap((r) => (r.ok ? [r.event] : []));
}

const EMPTY_CHANNELS = '{"row_count":0}';
// What FreeSWITCH's xml_list answers with no conference running (an empty root, as the simulator has it).
const NO_CONFERENCES = '<?xml version="1.0"?>\n<conferences/>\n';
const logger = createLogger('silent');

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe('NodeSync', () => {
  it('reports the node unsynced until the snapshot lands, then applies the events that came meanwhile', async () => {
    const source = new FakeSource();
    const live = new LiveState();
    const sync = new NodeSync(source, live, { logger });
    expect(live.node(source.nodeId)?.synced).toBe(false);

    source.emit('connected');
    expect(sync.status).toBe('syncing');
    // The conference is created and Alice joins while the snapshot is being taken.
    const [create, addAlice] = conferenceEvents();
    source.emit('event', create);
    source.emit('event', addAlice);
    await source.answer(SNAPSHOT_COMMANDS[0], EMPTY_CHANNELS);
    expect(live.node(source.nodeId)?.synced).toBe(false);
    await source.answer(SNAPSHOT_COMMANDS[1], NO_CONFERENCES);
    await flush();

    expect(sync.status).toBe('synced');
    const conf = live.conference('demo');
    expect(conf?.available).toBe(true);
    expect(conf?.conference.members.size).toBe(1);
  });

  it('a disconnect marks the node unavailable at once and a late snapshot never lands', async () => {
    const source = new FakeSource();
    const live = new LiveState();
    const sync = new NodeSync(source, live, { logger });
    source.emit('connected');
    await source.answer(SNAPSHOT_COMMANDS[0], EMPTY_CHANNELS);
    await source.answer(SNAPSHOT_COMMANDS[1], NO_CONFERENCES);
    await flush();
    const events = conferenceEvents();
    source.emit('event', events[0]);
    source.emit('event', events[1]);
    expect(live.conference('demo')?.available).toBe(true);

    // Reconnect: a new snapshot starts; the connection drops before it is answered.
    source.emit('disconnected', 'RST');
    expect(live.conference('demo')?.available).toBe(false);
    source.emit('connected');
    const stale = source.pending.find((p) => p.command === SNAPSHOT_COMMANDS[0])!;
    source.emit('disconnected', 'RST again');
    stale.resolve(EMPTY_CHANNELS);
    await flush();
    expect(sync.status).toBe('unsynced');
    expect(live.node(source.nodeId)?.synced).toBe(false);

    // The next connection's snapshot says the conference is gone: no ghost survives.
    source.pending = [];
    source.emit('connected');
    await source.answer(SNAPSHOT_COMMANDS[0], EMPTY_CHANNELS);
    await source.answer(SNAPSHOT_COMMANDS[1], NO_CONFERENCES);
    await flush();
    expect(sync.status).toBe('synced');
    expect(live.conference('demo')).toBeUndefined();
  });

  it('an unreadable snapshot leaves the node unsynced and is retried', async () => {
    const source = new FakeSource();
    const live = new LiveState();
    const sync = new NodeSync(source, live, { logger, retryDelayMs: 1 });
    source.emit('connected');
    await source.answer(SNAPSHOT_COMMANDS[0], 'this is not json');
    await source.answer(SNAPSHOT_COMMANDS[1], NO_CONFERENCES);
    await flush();
    expect(sync.status).toBe('unsynced');
    expect(sync.stats.resyncFailures).toBe(1);
    // the retry asks for the snapshot again
    await eventually(() => source.pending.some((p) => p.command === SNAPSHOT_COMMANDS[0]), 2000, 'the retry');
    await source.answer(SNAPSHOT_COMMANDS[0], EMPTY_CHANNELS);
    await source.answer(SNAPSHOT_COMMANDS[1], NO_CONFERENCES);
    await flush();
    expect(sync.status).toBe('synced');
    sync.stop();
  });

  it('dumps each listed channel (uuid_dump) up to the cap, and never puts an unsafe id on a line', async () => {
    const source = new FakeSource();
    const live = new LiveState();
    const { logger: captured, logs } = capturingLogger();
    const sync = new NodeSync(source, live, { logger: captured, maxChannelDumps: 2 });
    const row = (uuid: string) => ({
      uuid,
      direction: 'outbound',
      name: 'sofia/internal/1000@h',
      callstate: 'RINGING',
    });
    const listing = JSON.stringify({
      row_count: 4,
      rows: [row('a-1'), row('e{f}'), row('c-3'), row('d-4')],
    });
    source.emit('connected');
    await source.answer(SNAPSHOT_COMMANDS[0], listing);
    await source.answer(SNAPSHOT_COMMANDS[1], NO_CONFERENCES);
    // The cap counts listed channels: a-1 and e{f}, which is tracked but never put on a line.
    await source.answer('uuid_dump a-1 json', '-ERR No such channel!\n');
    await flush();
    expect(source.pending.map((p) => p.command)).toEqual([]);
    expect(sync.status).toBe('synced');
    expect(live.node(source.nodeId)?.calls.channels.size).toBe(4);
    expect(logs.join('\n')).toMatch(/too many channels to dump/);
    expect(channelDumpCommand('x y')).toBeUndefined();
    expect(channelDumpCommand('a\r\nb')).toBeUndefined();
    expect(channelDumpCommand('0ae98fd4-bb9b-4233-a629-b868315e70ac')).toBe(
      'uuid_dump 0ae98fd4-bb9b-4233-a629-b868315e70ac json',
    );
  });

  it("publishes on the live state's feed: each applied event's records, one node record per resync and disconnect", async () => {
    const source = new FakeSource();
    const live = new LiveState();
    const heard: Array<[string, readonly StateChange[]]> = [];
    live.changes.subscribe((node, changes) => heard.push([node, changes]));
    const sync = new NodeSync(source, live, { logger });
    const [create, addAlice, ...rest] = conferenceEvents();
    source.emit('connected');
    // Events during the snapshot are folded into it: nothing of their own, the resync stands for them.
    source.emit('event', create);
    source.emit('event', addAlice);
    await source.answer(SNAPSHOT_COMMANDS[0], EMPTY_CHANNELS);
    await source.answer(SNAPSHOT_COMMANDS[1], NO_CONFERENCES);
    await flush();
    expect(heard).toEqual([[source.nodeId, [{ kind: 'node', how: 'synced' }]]]);

    heard.length = 0;
    source.emit('event', addAlice); // already applied: no change, nothing published
    const next = rest.find((e) => e.headers['Action'] === 'add-member')!;
    source.emit('event', next);
    expect(heard).toEqual([
      [
        source.nodeId,
        [{ kind: 'member', how: 'joined', conference: 'demo', member: Number(next.headers['Member-ID']) }],
      ],
    ]);
    expect(sync.stats.eventsApplied).toBe(1);

    heard.length = 0;
    source.emit('disconnected', 'RST');
    expect(heard).toEqual([[source.nodeId, [{ kind: 'node', how: 'unavailable' }]]]);
  });

  it('a reader that throws is logged; the sync and the other readers carry on', async () => {
    const source = new FakeSource();
    const live = new LiveState();
    const { logger: captured, logs } = capturingLogger();
    live.changes.subscribe(() => {
      throw new Error('reader broke');
    });
    let told = 0;
    live.changes.subscribe(() => told++);
    const sync = new NodeSync(source, live, { logger: captured });
    source.emit('connected');
    await source.answer(SNAPSHOT_COMMANDS[0], EMPTY_CHANNELS);
    await source.answer(SNAPSHOT_COMMANDS[1], NO_CONFERENCES);
    await flush();
    expect(sync.status).toBe('synced');
    source.emit('event', conferenceEvents()[0]);
    expect(live.conference('demo')?.available).toBe(true);
    expect(told).toBe(2);
    expect(logs.filter((l) => l.includes('a reader of live state changes failed'))).toHaveLength(2);
  });
});
