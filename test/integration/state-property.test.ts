// Property test of the live state: random sequences of calls and conference actions on the simulated
// FreeSWITCH; afterwards the daemon's event-built state equals the state FreeSWITCH itself reports
// (`show channels as json` + `conference xml_list`, read through the same snapshot parsers a resync uses).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeState } from '../../src/state/node-state.js';
import { nodeStateFromSnapshot } from '../../src/state/node-state.js';
import { startHarness, type Harness } from '../helpers/daemon-harness.js';
import { prng } from '../helpers/prng.js';

/** What must agree: channels, and per conference its lock and each member's flags and levels. */
function view(node: NodeState) {
  const conferences = [...node.conferences.conferences.values()]
    .map((c) => ({
      name: c.name,
      locked: c.locked,
      members: [...c.members.values()]
        .map((m) => ({
          id: m.id,
          uuid: m.uuid,
          callerIdNumber: m.callerIdNumber,
          canHear: m.canHear,
          canSpeak: m.canSpeak,
          talking: m.talking,
          volumeIn: m.volumeIn,
          volumeOut: m.volumeOut,
          energyLevel: m.energyLevel,
        }))
        .sort((a, b) => a.id - b.id),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { channels: [...node.calls.channels.keys()].sort(), conferences };
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.waitSynced();
});
afterAll(async () => h.close());

async function fsView(): Promise<ReturnType<typeof view>> {
  const channelsJson = await h.sim.fs.execute('show', 'channels as json');
  const conferenceXml = await h.sim.fs.execute('conference', 'xml_list');
  const built = nodeStateFromSnapshot('fs', { channelsJson, conferenceXml, now: Date.now() });
  if (!built.ok) throw new Error(built.error);
  return view(built.value);
}

const CONFERENCES = [
  ['alice-conf', '3000'],
  ['carol-conf', '3001'],
] as const;

async function randomAction(rand: () => number): Promise<string> {
  const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(rand() * items.length)];
  const snap = h.sim.fs.snapshot();
  const conf = pick(snap.conferences);
  const member = conf && pick(conf.members);
  const roll = rand();
  if (roll < 0.25 || !conf || member === undefined) {
    const [, ext] = pick(CONFERENCES)!;
    const user = pick(['200', '201', '202'])!;
    await h.sim.fs.execute(
      'originate',
      `{origination_caller_id_number=${user}}user/${user} ${ext} XML default`,
    );
    return `join ${user}->${ext}`;
  }
  if (roll < 0.35) {
    const uuid = pick(snap.channels);
    if (uuid) await h.sim.fs.execute('uuid_kill', uuid);
    return 'uuid_kill';
  }
  if (roll < 0.45) {
    h.sim.fs.setTalking(member, rand() < 0.5);
    return `talk ${member}`;
  }
  const command = pick([
    `mute ${member}`,
    `unmute ${member}`,
    `tmute ${member}`,
    `deaf ${member}`,
    `undeaf ${member}`,
    `kick ${member}`,
    `hup ${member}`,
    `energy ${member} ${Math.floor(rand() * 1000)}`,
    `volume_in ${member} ${Math.floor(rand() * 9) - 4}`,
    `volume_out ${member} ${Math.floor(rand() * 9) - 4}`,
    'lock',
    'unlock',
    'mute all',
    'undeaf all',
  ])!;
  await h.sim.fs.execute('conference', `${conf.name} ${command}`);
  return `${conf.name} ${command}`;
}

describe('live state == FreeSWITCH after random action sequences', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}: 40 random actions`, async () => {
      const rand = prng(seed);
      const done: string[] = [];
      for (let i = 0; i < 40; i++) {
        done.push(await randomAction(rand));
        if (rand() < 0.3) await new Promise((r) => setTimeout(r, 5));
      }
      // Let scheduled work finish: calls answer after 50 ms and join, kicked members leave after 20 ms.
      const leaving = done.flatMap((d) => /\b(?:kick|hup) (\d+)$/.exec(d)?.[1] ?? []).map(Number);
      await h.eventually(async () => {
        const fs = await fsView();
        const members = fs.conferences.flatMap((c) => c.members);
        const inConference = new Set(members.map((m) => m.uuid));
        return (
          fs.channels.every((uuid) => inConference.has(uuid)) && !members.some((m) => leaving.includes(m.id))
        );
      }, 5000);
      await h.sim.fs.settle();
      const nodeId = h.daemon.pool.all()[0]!.nodeId;
      // Events travel over TCP: compare until both sides agree or time runs out.
      let expected = await fsView();
      await h
        .eventually(async () => {
          expected = await fsView();
          return JSON.stringify(view(h.daemon.live.node(nodeId)!)) === JSON.stringify(expected);
        }, 3000)
        .catch(() => undefined);
      expect(view(h.daemon.live.node(nodeId)!), `after: ${done.join('; ')}`).toEqual(expected);
    });
  }

  it('a hupall leaves no channel and no conference behind', async () => {
    await h.sim.fs.execute('hupall', 'NORMAL_CLEARING');
    await h.sim.fs.settle();
    const nodeId = h.daemon.pool.all()[0]!.nodeId;
    await h.eventually(() => h.daemon.live.node(nodeId)!.calls.channels.size === 0, 3000);
    expect(view(h.daemon.live.node(nodeId)!)).toEqual({ channels: [], conferences: [] });
  });
});
