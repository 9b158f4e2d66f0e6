// Who is told what: every subscriber × every kind of change, against a table written from the REST
// rules (not computed with the filter's own helpers). A user reads /my/conferencedetails of the
// conferences they own or are a delegate of, and /my/activecdrs lists the calls they are a party to;
// an admin reads every stored conference and /api/activecalls.
import { describe, expect, it } from 'vitest';
import { renderFor, snapshotFor, type Subscriber } from '../../src/ws/filter.js';
import type { Change } from '../../src/ws/stream-change.js';
import type { AdminCallView, ConferenceView } from '../../src/ws/protocol.js';
import type { ConferenceAccess } from '../../src/ws/views.js';

const STORED: Record<string, ConferenceAccess> = {
  'alice-conf': { name: 'alice-conf', owner: '200', delegates: ['201'], extension: '3000', description: '' },
  'carol-conf': { name: 'carol-conf', owner: '202', delegates: [], extension: '3001', description: '' },
};
const access = (name: string) => STORED[name];

const SUBSCRIBERS: Record<string, Subscriber> = {
  owner: { userName: '200', role: 'user' },
  delegate: { userName: '201', role: 'user' },
  other: { userName: '202', role: 'user' },
  admin: { userName: 'admin', role: 'admin' },
  'owner on alice-conf': { userName: '200', role: 'user', conference: 'alice-conf' },
  'admin on carol-conf': { userName: 'admin', role: 'admin', conference: 'carol-conf' },
};

const conferenceChange = (name: string): Change => ({
  kind: 'conference',
  name,
  message: { type: 'conference.locked', conference: name },
});

function callView(uuid: string): AdminCallView {
  return {
    uuid,
    node: 'n',
    state: 'answered',
    from: '200',
    to: '202',
    direction: 'OUTGOING',
    recipient: '202',
    internal: true,
    'start-time': 1,
    legs: [],
  };
}
const callChange = (before: string[] | null, after: string[] | null): Change => ({
  kind: 'call',
  before,
  after,
  type: 'call.answered',
  view: callView('c1'),
  origin: '200',
});

/** Subscriber → what they may be told, written out from the REST rules. */
const CONFERENCE_TABLE: Record<string, Record<string, boolean>> = {
  'alice-conf': {
    owner: true,
    delegate: true,
    other: false,
    admin: true,
    'owner on alice-conf': true,
    'admin on carol-conf': false,
  },
  'carol-conf': {
    owner: false,
    delegate: false,
    other: true,
    admin: true,
    'owner on alice-conf': false,
    'admin on carol-conf': true,
  },
  // Running in FreeSWITCH but not stored: no REST resource shows it, to anyone.
  'ad-hoc': {
    owner: false,
    delegate: false,
    other: false,
    admin: false,
    'owner on alice-conf': false,
    'admin on carol-conf': false,
  },
};

describe('stream filter', () => {
  for (const [conference, row] of Object.entries(CONFERENCE_TABLE)) {
    for (const [who, allowed] of Object.entries(row)) {
      it(`${who} ${allowed ? 'sees' : 'never sees'} ${conference}`, () => {
        const rendered = renderFor(SUBSCRIBERS[who]!, conferenceChange(conference), access);
        expect(rendered !== undefined).toBe(allowed);
      });
    }
  }

  /** Call parties before → after, and the message type each subscriber gets (undefined: nothing). */
  const CALL_TABLE: Array<{
    before: string[] | null;
    after: string[] | null;
    expect: Record<string, string | undefined>;
  }> = [
    {
      before: null,
      after: ['200'],
      expect: { owner: 'call.created', delegate: undefined, other: undefined, admin: 'call.created' },
    },
    {
      before: ['200'],
      after: ['200', '202'],
      expect: { owner: 'call.answered', delegate: undefined, other: 'call.created', admin: 'call.answered' },
    },
    {
      before: ['200', '202'],
      after: ['202'],
      expect: { owner: 'call.ended', delegate: undefined, other: 'call.answered', admin: 'call.answered' },
    },
    {
      before: ['202'],
      after: null,
      expect: { owner: undefined, delegate: undefined, other: 'call.ended', admin: 'call.ended' },
    },
    // A call of no known user (an unregistered SIP phone, a trunk): only admins.
    {
      before: [],
      after: [],
      expect: { owner: undefined, delegate: undefined, other: undefined, admin: 'call.answered' },
    },
  ];

  for (const row of CALL_TABLE) {
    it(`call parties ${JSON.stringify(row.before)} → ${JSON.stringify(row.after)}`, () => {
      for (const [who, type] of Object.entries(row.expect)) {
        const rendered = renderFor(SUBSCRIBERS[who]!, callChange(row.before, row.after), access);
        expect(rendered?.build().type, who).toBe(type);
      }
      // A one-conference subscription never carries calls.
      for (const who of ['owner on alice-conf', 'admin on carol-conf'])
        expect(renderFor(SUBSCRIBERS[who]!, callChange(row.before, row.after), access)).toBeUndefined();
    });
  }

  it("a user's call view is /my/activecdrs' (direction relative to them, no legs); an admin's has legs", () => {
    const change = callChange(['200', '202'], ['200', '202']);
    const owner = renderFor(SUBSCRIBERS['owner']!, change, access)!.build();
    const other = renderFor(SUBSCRIBERS['other']!, change, access)!.build();
    const admin = renderFor(SUBSCRIBERS['admin']!, change, access)!.build();
    expect(owner).toMatchObject({ call: { direction: 'OUTGOING' } });
    expect(other).toMatchObject({ call: { direction: 'INCOMING' } });
    expect(owner.type === 'call.answered' && 'legs' in owner.call).toBe(false);
    expect(admin).toMatchObject({ call: { legs: [] } });
    // Same bytes for the same view: owner and other differ, two admins would not.
    expect(renderFor(SUBSCRIBERS['owner']!, change, access)!.key).not.toBe(
      renderFor(SUBSCRIBERS['other']!, change, access)!.key,
    );
  });

  it('access changes: newly allowed users get the conference, users no longer allowed get its end', () => {
    const view = { name: 'alice-conf' } as ConferenceView;
    const before = STORED['alice-conf']!;
    const after = { ...before, delegates: ['202'] };
    const change: Change = { kind: 'access', before, after, view };
    const typeFor = (who: string) => renderFor(SUBSCRIBERS[who]!, change, access)?.build().type;
    expect(typeFor('owner')).toBe('conference.updated');
    expect(typeFor('delegate')).toBe('conference.ended');
    expect(typeFor('other')).toBe('conference.started');
    expect(typeFor('admin')).toBe('conference.updated');
  });

  it('a snapshot holds exactly what the subscriber may see', () => {
    const conferences = Object.values(STORED).map((a) => ({
      access: a,
      view: { name: a.name } as ConferenceView,
    }));
    const calls = [
      { users: ['200'], origin: '200', view: callView('mine') },
      { users: ['202'], origin: '202', view: callView('carols') },
    ];
    const names = (who: string) => {
      const snap = snapshotFor(SUBSCRIBERS[who]!, conferences, calls, [], 30_000);
      if (snap.type !== 'snapshot') throw new Error('not a snapshot');
      return [...snap.conferences.map((c) => c.name), ...snap.calls.map((c) => c.uuid)];
    };
    expect(names('owner')).toEqual(['alice-conf', 'mine']);
    expect(names('delegate')).toEqual(['alice-conf']);
    expect(names('other')).toEqual(['carol-conf', 'carols']);
    expect(names('admin')).toEqual(['alice-conf', 'carol-conf', 'mine', 'carols']);
    expect(names('owner on alice-conf')).toEqual(['alice-conf']);
  });
});
