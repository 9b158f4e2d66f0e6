// The stream's deltas, folded the way a client folds them, always equal the live state's own views:
// after every event of the recorded FreeSWITCH sessions (the projection sees only the change records
// the reducers returned, so this also shows the records name everything that changed), and after a
// resync that skipped events.
import { describe, expect, it } from 'vitest';
import type { EslEvent } from '../../src/esl/events.js';
import { isLive } from '../../src/state/active-cdr.js';
import { NODE_SYNCED, NODE_UNAVAILABLE } from '../../src/state/changes.js';
import { applyEvent, createNodeState, LiveState } from '../../src/state/node-state.js';
import { renderFor } from '../../src/ws/filter.js';
import { StreamProjection } from '../../src/ws/projection.js';
import type { Change } from '../../src/ws/stream-change.js';
import type { CallView, ConferenceView, StreamMessage } from '../../src/ws/protocol.js';
import { adminCallView, conferenceView, type ConferenceAccess, type Directory } from '../../src/ws/views.js';
import { transcriptEvents } from '../helpers/state-replay.js';
import { StreamModel } from '../helpers/ws-client.js';

const NODE = 'fs1:8021';
const ADMIN = { userName: 'admin', role: 'admin' as const };

/** Every conference is stored (owned by 1000); user 1001 has an IM id. */
const directory: Directory = {
  conference: (name) => ({
    name,
    owner: '1000',
    delegates: [],
    extension: '3900',
    description: `room ${name}`,
  }),
  identity: (userName) => (userName === '1001' ? { userName, imId: 'bob' } : undefined),
};

/** What an admin's socket would receive for these changes. */
function adminMessages(changes: Change[]): StreamMessage[] {
  return changes.flatMap((change) => {
    const rendered = renderFor(ADMIN, change, (name) => directory.conference(name));
    return rendered ? [rendered.build()] : [];
  });
}

function liveViews(live: LiveState) {
  const node = live.node(NODE)!;
  const conferences = [...node.conferences.conferences.values()].map((c) =>
    conferenceView(NODE, c, directory.conference(c.name) as ConferenceAccess, directory),
  );
  const calls = [...node.calls.calls.values()].filter(isLive).map((c) => adminCallView(NODE, c));
  return { conferences, calls };
}

function modelViews(model: StreamModel) {
  return {
    conferences: [...model.conferences.values()],
    calls: [...model.calls.values()],
  };
}

const sortViews = (v: { conferences: ConferenceView[]; calls: CallView[] }) => ({
  conferences: [...v.conferences].sort((a, b) => a.name.localeCompare(b.name)),
  calls: [...v.calls].sort((a, b) => a.uuid.localeCompare(b.uuid)),
});

function syncedLive(): LiveState {
  const live = new LiveState();
  live.addNode(NODE).synced = true;
  return live;
}

describe('stream projection', () => {
  for (const name of ['conference-json', 'conference-plain', 'calls-json', 'calls-plain']) {
    it(`folded deltas equal the live views after every event of ${name}`, () => {
      const live = syncedLive();
      const projection = new StreamProjection(live, directory);
      const model = new StreamModel();
      const types = new Set<string>();
      for (const event of transcriptEvents(name)) {
        for (const message of adminMessages(projection.applyChanges(NODE, live.apply(NODE, event)))) {
          types.add(message.type);
          model.apply(message);
        }
        expect(sortViews(modelViews(model))).toEqual(sortViews(liveViews(live)));
      }
      // The sessions exercise most kinds of delta; a projection that published nothing fails here.
      if (name.startsWith('conference')) {
        for (const type of [
          'conference.started',
          'conference.ended',
          'conference.locked',
          'conference.unlocked',
          'conference.recording-started',
          'conference.recording-stopped',
          'conference.floor',
          'member.joined',
          'member.left',
          'member.muted',
          'member.unmuted',
          'member.deafened',
          'member.undeafened',
          'member.talking-started',
          'member.talking-stopped',
          'member.updated',
        ])
          expect(types, type).toContain(type);
      } else {
        // call.ringing: a click-to-call's target rings after the user answered (1a)
        for (const type of ['call.created', 'call.ringing', 'call.answered', 'call.bridged', 'call.ended'])
          expect(types, type).toContain(type);
      }
    });
  }

  it("publishes a click-to-call's life: call.ringing when the target rings after the user answered", () => {
    const A = '0ae98fd4-bb9b-4233-a629-b868315e70ac';
    const live = syncedLive();
    const projection = new StreamProjection(live, directory);
    const seen: string[] = [];
    for (const event of transcriptEvents('calls-json')) {
      for (const message of adminMessages(projection.applyChanges(NODE, live.apply(NODE, event))))
        if ('call' in message && message.call.uuid === A) {
          const state = message.type === 'call.ended' ? '' : `(${message.call.state})`;
          if (seen.at(-1) !== `${message.type}${state}`) seen.push(`${message.type}${state}`);
        }
    }
    expect(seen.filter((m) => !m.startsWith('call.updated'))).toEqual([
      'call.created(ringing)', // the user's phone rings
      'call.answered(answered)', // the user answered
      'call.ringing(ringing)', // the target (B-leg) rings
      'call.bridged(bridged)', // the target answered
      'call.ending(ending)',
      'call.answered(answered)', // the target's leg is gone; the user's leg is still up for a moment
      'call.ended', // the user's leg hangs up: nothing of the call is live any more
    ]);
  });

  it('a resync after a lost connection publishes exactly what changed meanwhile', () => {
    const events: EslEvent[] = [...transcriptEvents('conference-json'), ...transcriptEvents('calls-json')];
    for (const cut of [10, 40, 75, 120, 180]) {
      const live = syncedLive();
      const projection = new StreamProjection(live, directory);
      const model = new StreamModel();
      for (const event of events.slice(0, cut))
        for (const m of adminMessages(projection.applyChanges(NODE, live.apply(NODE, event)))) model.apply(m);

      live.markUnavailable(NODE);
      const down = adminMessages(projection.applyChanges(NODE, NODE_UNAVAILABLE));
      expect(down).toEqual([{ type: 'node.unavailable', node: NODE }]);
      expect(projection.unavailableNodes()).toEqual([NODE]);

      // FreeSWITCH moved on while we were away; the fresh state knows everything up to cut + 30.
      const fresh = createNodeState(NODE);
      fresh.synced = true;
      for (const event of events.slice(0, cut + 30)) applyEvent(fresh, event);
      live.replaceNode(fresh);
      const up = adminMessages(projection.applyChanges(NODE, NODE_SYNCED));
      for (const m of up) model.apply(m);
      expect(up.at(-1)).toEqual({ type: 'node.available', node: NODE });
      expect(sortViews(modelViews(model)), `cut at ${cut}`).toEqual(sortViews(liveViews(live)));
      expect(projection.unavailableNodes()).toEqual([]);
      // Nothing changed since: a second resync publishes nothing.
      expect(projection.applyChanges(NODE, NODE_SYNCED)).toEqual([]);
    }
  });

  it('never publishes a conference the store does not know, and forgets one the store deletes', () => {
    const stored = new Map<string, ConferenceAccess>();
    const dir: Directory = { conference: (n) => stored.get(n), identity: () => undefined };
    const live = syncedLive();
    const projection = new StreamProjection(live, dir);
    const changes: Change[] = [];
    for (const event of transcriptEvents('conference-json').slice(0, 20))
      changes.push(...projection.applyChanges(NODE, live.apply(NODE, event)));
    expect(changes.filter((c) => c.kind === 'conference')).toEqual([]);

    const [name] = live.node(NODE)!.conferences.conferences.keys();
    expect(name).toBeDefined();
    const access = { name: name!, owner: '1000', delegates: [], extension: '1', description: '' };
    stored.set(name!, access);
    const added = projection.accessChanged(name!, undefined);
    expect(added).toMatchObject([{ kind: 'access', before: undefined, after: access }]);
    expect(added[0]?.kind === 'access' && added[0].view?.name).toBe(name);

    stored.delete(name!);
    const removed = projection.accessChanged(name!, access);
    expect(removed).toMatchObject([{ kind: 'access', before: access, after: undefined, view: undefined }]);
    expect([...projection.publishedConferences()]).toEqual([]);
  });
});
