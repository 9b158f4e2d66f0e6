// FreeSWITCH restarted under the daemon: it must say so (/health 503) rather than serve the dead
// conference, then rebuild its state from the new FreeSWITCH and serve it again. FS_RESTART is the
// shell command that restarts the FreeSWITCH named by FS_ESL and returns once it runs again (e.g.
// `systemctl restart freeswitch`); the suite fails without it rather than skipping the case.
import { exec } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveHarness, type LiveHarness } from './live-harness.js';
import {
  activeCdrs,
  callers,
  createConference,
  createUser,
  channelsAgree,
  fsConference,
  loopbackCaller,
  sleep,
  type LiveUser,
} from './world.js';

const RESTART = process.env['FS_RESTART'];

let h: LiveHarness;
let owner: LiveUser;
let room: { name: string; extension: string };

beforeAll(async () => {
  if (RESTART === undefined || RESTART.trim() === '')
    throw new Error('FS_RESTART is not set: the command that restarts FreeSWITCH (see README, test:live)');
  h = await startLiveHarness();
  owner = await createUser(h);
  room = await createConference(h, owner);
});

afterAll(async () => {
  await h?.api('hupall NORMAL_CLEARING').catch(() => undefined);
  await h?.close();
});

async function health(): Promise<number> {
  return (await fetch(`${h.daemon.url}/health`)).status;
}

describe('FreeSWITCH restarts', () => {
  it('the daemon reports it, rebuilds from the new FreeSWITCH and serves again', async () => {
    await loopbackCaller(h, room.extension, { number: '5301', name: 'Before' });
    await loopbackCaller(h, room.extension, { number: '5302', name: 'Before2' });
    await h.eventually(async () => callers(await fsConference(h, room.name)).length === 2, 'two members');
    const before = await h.request('GET', `/my/conferencedetails/${room.name}`, owner);
    expect(before.status).toBe(200);

    const statuses = new Set<number>();
    let polling = true;
    const poller = (async () => {
      while (polling) {
        statuses.add(await health().catch(() => 0));
        await sleep(100);
      }
    })();
    // Asynchronously: the daemon runs in this process and must answer FreeSWITCH's start-up fetches.
    await promisify(exec)(RESTART!, { timeout: 120_000, shell: '/bin/bash' });
    await h.eventually(async () => (await health()) === 200, 'healthy again', 60_000);
    await h.eventually(async () => h.fs.state === 'connected', "the test's own ESL connection back", 60_000);
    polling = false;
    await poller;
    expect(statuses.has(503), `health answers seen during the restart: ${[...statuses].join(',')}`).toBe(
      true,
    );

    // the old members died with the old FreeSWITCH: the daemon must not show them
    const after = await h.request('GET', `/my/conferencedetails/${room.name}`, owner);
    expect(after.status).toBe(406);
    expect(await activeCdrs(h, owner)).toEqual([]);
    await channelsAgree(h);

    // and it follows the new FreeSWITCH's events
    await loopbackCaller(h, room.extension, { number: '5303', name: 'After' });
    await h.eventually(async () => {
      const res = await h.request('GET', `/my/conferencedetails/${room.name}`, owner);
      return res.status === 200;
    }, 'the new member in the daemon');
    await h.api(`conference ${room.name} hup all`);
  }, 240_000);
});
