// Memory per tracked call: heap growth of the live state for 10,000 bridged click-to-call calls
// (two legs each) spread over 1,000 users, against the heap the same events occupy as decoded objects
// (what a tracker that kept whole events would cost), same run.
import { LiveState } from '../src/state/node-state.js';
import { bridgedCallEvents, bridgedCallTemplate } from './fixtures.js';
import { fmt, report } from './lib.js';

const CALLS = 10_000;
const USERS = 1_000;

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench does)');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

export async function benchMemory(): Promise<string[]> {
  const template = bridgedCallTemplate();
  console.log(`\n## Memory per tracked call (${fmt(CALLS)} calls, ${template.length} events each)`);
  const live = new LiveState();
  live.addNode('bench').synced = true;
  // Decode in batches so the decoded events themselves are garbage by the time we measure.
  const before = heapAfterGc();
  for (let i = 0; i < CALLS; i++)
    for (const event of bridgedCallEvents(template, i, USERS)) live.apply('bench', event);
  const after = heapAfterGc();
  const node = live.node('bench')!;
  const perCall = (after - before) / CALLS;

  const kept: unknown[] = [];
  const beforeEvents = heapAfterGc();
  for (let i = 0; i < 1000; i++) kept.push(bridgedCallEvents(template, i, USERS));
  const perCallAsEvents = (heapAfterGc() - beforeEvents) / 1000;
  kept.length = 0;

  console.log(
    `tracked: ${fmt(node.calls.calls.size)} calls, ${fmt(node.calls.channels.size)} channels, ${fmt(node.calls.byUser.size)} users`,
  );
  console.log(
    `per call: ${fmt(perCall)} bytes (keeping the decoded events instead: ${fmt(perCallAsEvents)} bytes)`,
  );
  if (node.calls.calls.size !== CALLS)
    throw new Error(`expected ${CALLS} calls, tracked ${node.calls.calls.size}`);
  return [
    report('memory per tracked call at 10,000 calls', `${fmt(perCall)} B`, '<= 2 KB', perCall <= 2048),
    report(
      'vs keeping the decoded events',
      `${fmt(perCall / perCallAsEvents, 3)}x`,
      'smaller is better',
      true,
    ),
  ];
}
