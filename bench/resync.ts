// Resync time: a node with 10,000 channels and 100 conferences, over real TCP (simulated FreeSWITCH
// answering with replies shaped like the recorded ones), from "connected" to the state swapped in,
// including the `uuid_dump` of each channel up to the default cap (2,000 recorded 7.8 KB dumps).
// Baseline: fetching the same two listings over the same client without building any state.
import { EslClient } from '../src/esl/client.js';
import { createLogger } from '../src/log.js';
import { EslSimServer } from '../src/sim/server.js';
import type { SimApi } from '../src/sim/types.js';
import { LiveState } from '../src/state/node-state.js';
import { NodeSync, SNAPSHOT_COMMANDS } from '../src/state/resync.js';
import { conferenceXmlList, showChannelsJson, uuidDumpJson } from './fixtures.js';
import { fmt, report } from './lib.js';

const CHANNELS = 10_000;
const CONFERENCES = 100;

export async function benchResync(): Promise<string[]> {
  console.log(`\n## Resync (${fmt(CHANNELS)} channels, ${CONFERENCES} conferences)`);
  const channels = showChannelsJson(CHANNELS);
  const xml = conferenceXmlList(CONFERENCES, channels.uuids);
  const dump = uuidDumpJson();
  let dumps = 0;
  let sequence = 1;
  const api: SimApi = {
    identity: {
      coreUuid: '00000000-0000-4000-8000-000000000000',
      hostname: 'bench',
      switchname: 'bench',
      ipv4: '127.0.0.1',
      ipv6: '::1',
      nextSequence: () => sequence++,
    },
    execute: async (command, args) => {
      const line = `${command} ${args}`.trim();
      if (line === SNAPSHOT_COMMANDS[0]) return channels.body;
      if (line === SNAPSHOT_COMMANDS[1]) return xml;
      const dumped = /^uuid_dump (\S+) json$/.exec(line);
      if (dumped) {
        dumps++;
        return dump(dumped[1]!);
      }
      return '-ERR no such command\n';
    },
  };
  const logger = createLogger('silent');
  const server = new EslSimServer({ password: 'ClueCon', api, logger });
  const { port } = await server.listen();
  const client = new EslClient({
    node: { id: `127.0.0.1:${port}`, host: '127.0.0.1', port, password: 'ClueCon' },
    logger,
    requestTimeoutMs: 30_000,
    events: ['CHANNEL_CREATE'],
  });
  const live = new LiveState();
  const sync = new NodeSync(client, live, { logger });
  const connected = new Promise<void>((resolve) => client.on('connected', () => resolve()));
  client.start();
  await connected;
  while (sync.status !== 'synced') await new Promise((r) => setTimeout(r, 5));

  const runs = 5;
  let fetchMs = 0;
  let resyncMs = 0;
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    await client.api(SNAPSHOT_COMMANDS[0]);
    await client.api(SNAPSHOT_COMMANDS[1]);
    fetchMs += performance.now() - t;
    t = performance.now();
    if (!(await sync.resync())) throw new Error('resync failed');
    resyncMs += performance.now() - t;
  }
  fetchMs /= runs;
  resyncMs /= runs;
  const node = live.node(client.nodeId)!;
  console.log(
    `state: ${fmt(node.calls.channels.size)} channels, ${node.conferences.conferences.size} conferences`,
  );
  console.log(`fetch only: ${fmt(fetchMs, 1)} ms, full resync: ${fmt(resyncMs, 1)} ms`);
  console.log(`uuid_dump requests per resync: ${fmt(dumps / (runs + 1))}`);
  await client.stop();
  await server.close();
  return [
    report(
      'resync, 10,000 channels + 100 conferences',
      `${fmt(resyncMs)} ms`,
      '<= 2,000 ms',
      resyncMs <= 2000,
    ),
    report(
      'resync vs fetching the same replies',
      `${fmt(resyncMs / fetchMs, 2)}x the time`,
      'informational',
      true,
    ),
  ];
}
