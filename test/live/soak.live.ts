// A sustained mix on a real FreeSWITCH: members join and are kicked or hung up through the API, calls
// come and go and are killed, for SOAK_SECONDS (default 45). Every few seconds the actions pause and
// the daemon's live state must equal FreeSWITCH's own: the channels (`show channels as json`) and each
// conference's members (`conference json_list`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveHarness, type LiveHarness } from './live-harness.js';
import { prng } from '../helpers/prng.js';
import {
  callers,
  createConference,
  createUser,
  daemonChannelUuids,
  fsChannelUuids,
  fsConference,
  loopbackCaller,
  sleep,
  type LiveUser,
} from './world.js';

const SECONDS = Number(process.env['SOAK_SECONDS'] ?? 45);

let h: LiveHarness;
let owner: LiveUser;
const rooms: { name: string; extension: string }[] = [];

beforeAll(async () => {
  h = await startLiveHarness();
  owner = await createUser(h);
  for (let i = 0; i < 3; i++) rooms.push(await createConference(h, owner));
});

afterAll(async () => {
  await h?.api('hupall NORMAL_CLEARING').catch(() => undefined);
  await h?.close();
});

async function daemonMembers(name: string): Promise<number[]> {
  const res = await h.request('GET', `/my/conferencedetails/${name}?extended=true`, owner);
  if (res.status === 406) return [];
  expect(res.status).toBe(200);
  const body = (await res.json()) as { conference: { members: { id: number }[] } };
  return body.conference.members.map((m) => m.id).sort((a, b) => a - b);
}

async function agree(): Promise<void> {
  let last = '';
  await h
    .eventually(async () => {
      const [fsCh, ours] = [await fsChannelUuids(h), await daemonChannelUuids(h)];
      last = `channels FreeSWITCH ${fsCh.length} daemon ${ours.length}`;
      if (JSON.stringify(fsCh) !== JSON.stringify(ours)) return false;
      for (const room of rooms) {
        const fsIds = callers(await fsConference(h, room.name))
          .map((m) => m.id)
          .sort((a, b) => a - b);
        const mine = await daemonMembers(room.name);
        last = `${room.name}: FreeSWITCH ${fsIds.join(',')} daemon ${mine.join(',')}`;
        if (JSON.stringify(fsIds) !== JSON.stringify(mine)) return false;
      }
      return true;
    }, 'daemon and FreeSWITCH agree')
    .catch((err: Error) => {
      throw new Error(`${err.message}: ${last}`);
    });
}

describe(`soak (${SECONDS} s)`, () => {
  it(
    'the daemon keeps the same state as FreeSWITCH under a mix of joins, kicks, calls and hang-ups',
    async () => {
      const random = prng(0x50a4);
      const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];
      const end = Date.now() + SECONDS * 1000;
      let actions = 0;
      let checks = 0;
      while (Date.now() < end) {
        for (let i = 0; i < 15; i++) {
          const room = pick(rooms)!;
          const roll = random();
          if (roll < 0.35) {
            await loopbackCaller(h, room.extension, { number: `55${i}`, name: 'Soak' });
          } else if (roll < 0.55) {
            const m = pick(callers(await fsConference(h, room.name)));
            if (m)
              await h.request(
                'PUT',
                `/my/conference/${room.name}/${random() < 0.5 ? 'kick' : 'hup'}&${m.id}`,
                owner,
              );
          } else if (roll < 0.75) {
            await h.api('bgapi originate loopback/9196/default &park()');
          } else if (roll < 0.9) {
            const uuid = pick(await fsChannelUuids(h));
            if (uuid) await h.api(`uuid_kill ${uuid}`);
          } else {
            await h.request(
              'PUT',
              `/my/conference/${room.name}/${random() < 0.5 ? 'mute' : 'unmute'}&all`,
              owner,
            );
          }
          actions += 1;
          await sleep(50 + random() * 150);
        }
        await agree();
        checks += 1;
      }
      await h.api('hupall NORMAL_CLEARING');
      await agree();
      expect(actions).toBeGreaterThan(0);
      expect(checks).toBeGreaterThan(0);
    },
    (SECONDS + 120) * 1000,
  );
});
