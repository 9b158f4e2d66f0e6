// The one rule for choosing a node (control/freeswitch-nodes.ts) and how ESL failures reach the API
// (control/errors.ts), over real LiveState and a pool of stand-in clients.
import { describe, expect, it } from 'vitest';
import { ControlError, fromEslError, OUTCOME_UNKNOWN, STATE_UNAVAILABLE } from '../../src/control/errors.js';
import { FreeswitchNodes } from '../../src/control/freeswitch-nodes.js';
import { EslNotConnectedError, EslTimeoutError, EslUnsafeCommandError } from '../../src/esl/errors.js';
import type { EslPool } from '../../src/esl/pool.js';
import { LiveState } from '../../src/state/node-state.js';
import { recordedEvents } from '../helpers/recorded-events.js';

type Stand = { nodeId: string; state: 'connected' | 'connecting'; reply?: string | Error };

function nodesWith(stands: Stand[], synced: readonly string[]) {
  const live = new LiveState();
  for (const s of stands) live.addNode(s.nodeId).synced = synced.includes(s.nodeId);
  const clients = stands.map((s) => ({
    ...s,
    stateSince: new Date(0),
    api: () => (s.reply instanceof Error ? Promise.reject(s.reply) : Promise.resolve(s.reply ?? '+OK')),
  }));
  const pool = {
    all: () => clients,
    get: (id: string) => clients.find((c) => c.nodeId === id),
  } as unknown as EslPool;
  return { live, nodes: new FreeswitchNodes(live, pool) };
}

const status = (fn: () => unknown): number | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof ControlError ? err.status : -1;
  }
  return undefined;
};

describe('the node something new starts on', () => {
  it('is the first configured node that is connected and in sync', () => {
    const a = { nodeId: 'a', state: 'connecting' } as const;
    const b = { nodeId: 'b', state: 'connected' } as const;
    const c = { nodeId: 'c', state: 'connected' } as const;
    expect(nodesWith([a, b, c], ['a', 'b', 'c']).nodes.nodeForNew()).toBe('b');
    expect(nodesWith([a, b, c], ['a', 'c']).nodes.nodeForNew()).toBe('c');
  });

  it('is none (503) while no connected node is in sync, or when none is configured', () => {
    const a = { nodeId: 'a', state: 'connected' } as const;
    expect(status(() => nodesWith([a], []).nodes.nodeForNew())).toBe(503);
    expect(status(() => nodesWith([], []).nodes.nodeForNew())).toBe(503);
  });
});

describe('where a conference runs', () => {
  const events = recordedEvents('conference-pin-modpin-endconf');
  const created = events.slice(0, events.findIndex((e) => e.headers['Action'] === 'add-member') + 1);

  it('on the node hosting it, absent when every node is in sync, else unknown (503)', () => {
    const a = { nodeId: 'a', state: 'connected' } as const;
    const b = { nodeId: 'b', state: 'connected' } as const;
    const both = nodesWith([a, b], ['a', 'b']);
    for (const e of created) both.live.apply('b', e);
    expect(both.nodes.conference('cpin')).toMatchObject({ found: 'running', nodeId: 'b' });
    expect(both.nodes.conference('other').found).toBe('absent');
    const oneAway = nodesWith([a, b], ['b']);
    expect(status(() => oneAway.nodes.conference('other'))).toBe(503);
    oneAway.live.markUnavailable('b');
    for (const e of created) oneAway.live.apply('b', e);
    expect(status(() => oneAway.nodes.conference('cpin'))).toBe(503);
  });
});

describe('ESL failures as the API answers them', () => {
  it('a request that reached FreeSWITCH unanswered is 504 (it may have run)', async () => {
    const { nodes } = nodesWith(
      [{ nodeId: 'a', state: 'connected', reply: new EslTimeoutError('a', 50) }],
      ['a'],
    );
    const err = await nodes.api('a', 'status').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ControlError);
    expect(err).toMatchObject({ status: 504, message: OUTCOME_UNKNOWN, details: { nodeId: 'a' } });
  });

  it('a node not connected is 503 with Retry-After; an unsafe line 400; anything else is not ESL', () => {
    expect(fromEslError(new EslNotConnectedError('a'))).toMatchObject({
      status: 503,
      details: { retryAfterS: 5 },
    });
    expect(fromEslError(new EslUnsafeCommandError('CR'))).toMatchObject({ status: 400 });
    const bug = new TypeError('a bug');
    expect(() => fromEslError(bug)).toThrow(bug);
  });

  it('an unknown node is the same 503 as a node not in sync', async () => {
    const { nodes } = nodesWith([], []);
    await expect(nodes.api('nowhere', 'status')).rejects.toMatchObject({
      status: 503,
      message: STATE_UNAVAILABLE,
    });
  });
});
