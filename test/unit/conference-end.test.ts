// Ending a running conference before its record is deleted, over the live state built from a real
// FreeSWITCH's recorded events (conference-pin-modpin-endconf: cpin with three members, then every
// member leaving and conference-destroy when its owner hangs up).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EslEvent } from '../../src/esl/events.js';
import type { EslPool } from '../../src/esl/pool.js';
import { endConference } from '../../src/control/conference-end.js';
import { ControlError } from '../../src/control/errors.js';
import { FreeswitchNodes } from '../../src/control/freeswitch-nodes.js';
import { lookUpConference } from '../../src/state/live-lookups.js';
import { LiveState } from '../../src/state/node-state.js';
import { recordedEvents } from '../helpers/recorded-events.js';

const events = recordedEvents('conference-pin-modpin-endconf');
// up to the owner's join: cpin runs with members 2, 3, 4; the rest is FreeSWITCH ending it
const ownerJoined = events.findIndex(
  (e) => e.headers['Action'] === 'add-member' && e.headers['Member-ID'] === '4',
);
const running = events.slice(0, ownerJoined + 1);
const ending = events.slice(ownerJoined + 1);

function liveWith(evs: readonly EslEvent[]): LiveState {
  const live = new LiveState();
  live.addNode('fs1').synced = true;
  for (const e of evs) live.apply('fs1', e);
  return live;
}

/**
 * An ESL client that answers `reply` and then plays `after` into the live state, as FreeSWITCH and the
 * node's sync would: each event applied, then what it changed published on the live state's feed.
 */
function fakeEsl(live: LiveState, reply: string, after: readonly EslEvent[]) {
  const sent: string[] = [];
  const client = {
    api: (line: string) => {
      sent.push(line);
      setImmediate(() => {
        for (const e of after) live.changes.publish('fs1', live.apply('fs1', e));
      });
      return Promise.resolve(reply);
    },
  };
  const pool = { get: (id: string) => (id === 'fs1' ? client : undefined) } as unknown as EslPool;
  return { nodes: new FreeswitchNodes(live, pool), sent };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('endConference', () => {
  it('the recording: cpin runs with three members', () => {
    const live = liveWith(running);
    expect(lookUpConference(live, 'cpin').found).toBe('running');
    expect([...live.conference('cpin')!.conference.members.keys()].sort()).toEqual([2, 3, 4]);
  });

  it('hangs every member up and resolves once FreeSWITCH destroyed it', async () => {
    const live = liveWith(running);
    const { nodes, sent } = fakeEsl(live, '+OK hup 4\n+OK hup 3\n+OK hup 2\n', ending);
    await endConference(nodes, 'cpin', 5000);
    expect(sent).toEqual(['conference cpin hup all']);
    expect(live.conference('cpin')).toBeUndefined();
  });

  it('a conference that is not running needs nothing', async () => {
    const live = liveWith(events);
    const { nodes, sent } = fakeEsl(live, '', []);
    await endConference(nodes, 'cpin', 5000);
    expect(sent).toEqual([]);
  });

  it('409 when FreeSWITCH refuses or the members do not leave in time; 503 while a node is unsynced', async () => {
    const refused = liveWith(running);
    const no = fakeEsl(refused, '-ERR Conference command failed\n', []);
    await expect(endConference(no.nodes, 'cpin', 5000)).rejects.toMatchObject({
      status: 409,
    });

    vi.useFakeTimers();
    const stuck = liveWith(running);
    const slow = fakeEsl(stuck, '+OK hup 4\n', []);
    const pending = endConference(slow.nodes, 'cpin', 5000);
    const settled = expect(pending).rejects.toBeInstanceOf(ControlError);
    await vi.advanceTimersByTimeAsync(5001);
    await settled;
    await expect(pending).rejects.toMatchObject({ status: 409 });
    vi.useRealTimers();

    const unsynced = liveWith(running);
    unsynced.markUnavailable('fs1');
    const any = fakeEsl(unsynced, '', []);
    await expect(endConference(any.nodes, 'cpin', 5000)).rejects.toMatchObject({
      status: 503,
    });
    expect(any.sent).toEqual([]);
  });
});
