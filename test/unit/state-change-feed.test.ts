// The live state's change feed and the wait built on it: every subscriber hears every change whatever
// order it subscribed in, a failing subscriber neither silences the others nor the publisher's error,
// and a wait resolves on the change that makes its check hold (or times out, fake timers).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { untilLiveState } from '../../src/control/state-wait.js';
import { ChangeFeed } from '../../src/state/change-feed.js';
import { NO_CHANGES, NODE_SYNCED, type StateChange } from '../../src/state/changes.js';
import { LiveState } from '../../src/state/node-state.js';
import { transcriptEvents } from '../helpers/state-replay.js';

const joined: readonly StateChange[] = [{ kind: 'member', how: 'joined', conference: 'demo', member: 1 }];

afterEach(() => {
  vi.useRealTimers();
});

describe('ChangeFeed', () => {
  it('tells every subscriber, in subscription order, until it unsubscribes; nothing for no changes', () => {
    const feed = new ChangeFeed();
    const heard: string[] = [];
    const stopA = feed.subscribe((node, changes) => heard.push(`a:${node}:${changes.length}`));
    feed.subscribe((node) => heard.push(`b:${node}`));
    feed.publish('fs1', joined);
    feed.publish('fs1', NO_CHANGES);
    stopA();
    feed.publish('fs2', NODE_SYNCED);
    expect(heard).toEqual(['a:fs1:1', 'b:fs1', 'b:fs2']);
    expect(feed.size).toBe(1);
  });

  it('a subscriber that unsubscribes (or subscribes another) while called does not disturb this publish', () => {
    const feed = new ChangeFeed();
    const heard: string[] = [];
    const once = () => {
      heard.push('once');
      feed.unsubscribe(once);
      feed.subscribe(() => heard.push('late'));
    };
    feed.subscribe(once);
    feed.subscribe(() => heard.push('next'));
    feed.publish('fs1', joined);
    feed.publish('fs1', joined);
    expect(heard).toEqual(['once', 'next', 'next', 'late']);
  });

  it('a throwing subscriber: the others still hear the change, then the publisher gets the error', () => {
    const feed = new ChangeFeed();
    const heard: string[] = [];
    feed.subscribe(() => {
      throw new Error('reader broke');
    });
    feed.subscribe(() => heard.push('after'));
    expect(() => feed.publish('fs1', joined)).toThrow('reader broke');
    expect(heard).toEqual(['after']);
  });
});

describe('untilLiveState', () => {
  function liveWithConference() {
    const live = new LiveState();
    live.addNode('fs1').synced = true;
    const events = transcriptEvents('conference-json');
    const create = events.findIndex((e) => e.headers['Action'] === 'add-member');
    for (const e of events.slice(0, create + 1)) live.changes.publish('fs1', live.apply('fs1', e));
    return { live, rest: events.slice(create + 1) };
  }

  it('resolves on the change that makes the check hold, even when subscribed before every other reader', async () => {
    const { live, rest } = liveWithConference();
    const seenByLaterReader: number[] = [];
    const gone = () => live.conference('demo') === undefined;
    const waiting = untilLiveState(live, gone, 60_000);
    // A reader that subscribes after the wait: it is still told of every change.
    live.changes.subscribe(() =>
      seenByLaterReader.push(live.conference('demo')?.conference.members.size ?? 0),
    );
    for (const e of rest) live.changes.publish('fs1', live.apply('fs1', e));
    await expect(waiting).resolves.toBe(true);
    expect(seenByLaterReader.length).toBeGreaterThan(0);
    expect(live.changes.size).toBe(1); // the wait unsubscribed
  });

  it('true at once when the check already holds; false after the timeout, with nothing left subscribed', async () => {
    vi.useFakeTimers();
    const { live } = liveWithConference();
    await expect(untilLiveState(live, () => true, 10)).resolves.toBe(true);
    const waiting = untilLiveState(live, () => false, 2_000);
    live.changes.publish('fs1', NODE_SYNCED);
    vi.advanceTimersByTime(2_000);
    await expect(waiting).resolves.toBe(false);
    expect(live.changes.size).toBe(0);
  });
});
