import { describe, expect, it } from 'vitest';
import { callsForUser, createCallState } from '../../src/state/calls.js';
import { applyChannelEvent } from '../../src/state/channel-events.js';
import type { CallState, CallStateOptions } from '../../src/state/calls.js';
import { activeCdrsForUser } from '../../src/state/active-cdr.js';
import type { EslEvent } from '../../src/esl/events.js';
import { noteUuid, replaySteps } from '../helpers/state-replay.js';

const FORMATS = ['calls-plain', 'calls-json'] as const;
const DOMAIN = 'example.test';

interface Moment {
  /** The event just applied, or undefined at a command/note. */
  event: EslEvent | undefined;
  /** The last recorder note: which scenario step is running. */
  note: string;
}

function replay(
  name: string,
  at: (moment: Moment, state: CallState) => void = () => {},
  options: CallStateOptions = {},
  skip: (event: EslEvent) => boolean = () => false,
): CallState {
  const state = createCallState(options);
  let note = '';
  for (const step of replaySteps(name)) {
    if (step.kind === 'note') note = step.text;
    if (step.kind !== 'frame') {
      at({ event: undefined, note }, state);
      continue;
    }
    if (step.event === undefined || skip(step.event)) continue;
    applyChannelEvent(state, step.event);
    at({ event: step.event, note }, state);
  }
  return state;
}

function micros(event: EslEvent | undefined, header: string): number {
  return Math.floor(Number(event?.headers[header]) / 1000);
}

/** The CDRs of a user at a moment, timed by the event's own clock. */
function cdrs(state: CallState, user: string, event: EslEvent) {
  return activeCdrsForUser(state, user, { domain: DOMAIN, now: micros(event, 'Event-Date-Timestamp') });
}

function expectEmpty(state: CallState): void {
  expect(state.channels.size).toBe(0);
  expect(state.calls.size).toBe(0);
  expect(state.byUser.size).toBe(0);
}

describe('call reducer replaying the real transcripts', () => {
  for (const name of FORMATS) {
    it(`${name}: a channel leaves on CHANNEL_DESTROY and the replay ends with nothing tracked`, () => {
      let destroyed = 0;
      const created = new Set<string>();
      const state = replay(name, ({ event }, s) => {
        if (event?.name === 'CHANNEL_CREATE') created.add(event.headers['Unique-ID'] ?? '');
        if (event?.name !== 'CHANNEL_DESTROY') return;
        destroyed++;
        expect(s.channels.has(event.headers['Unique-ID'] ?? '')).toBe(false);
      });
      expect(created.size).toBeGreaterThan(20);
      expect(destroyed).toBe(created.size);
      expectEmpty(state);
    });

    it(`${name}: without CHANNEL_DESTROY subscribed a channel leaves on HANGUP_COMPLETE, no ghosts`, () => {
      const state = replay(
        name,
        ({ event }, s) => {
          if (event?.name === 'CHANNEL_HANGUP_COMPLETE')
            expect(s.channels.has(event.headers['Unique-ID'] ?? '')).toBe(false);
        },
        { removeOn: 'hangup-complete' },
        (event) => event.name === 'CHANNEL_DESTROY',
      );
      expectEmpty(state);
    });

    it(`${name}: 1a click-to-call shows both legs as user 1000's OUTGOING call`, () => {
      let checked = false;
      replay(name, ({ event, note }, state) => {
        const a = noteUuid(note, 'A');
        if (!note.startsWith('1a') || event?.name !== 'CHANNEL_BRIDGE' || event.headers['Unique-ID'] !== a)
          return;
        const b = noteUuid(note, 'B');
        expect(callsForUser(state, '1000').map((call) => call.legs.map((leg) => leg.uuid))).toEqual([[a, b]]);
        // The bridge event is the A-leg's: its creation is when the call started.
        const start = micros(event, 'Caller-Channel-Created-Time');
        expect(cdrs(state, '1000', event)).toEqual([
          {
            from: '1000',
            'from-aor': `<sip:1000@${DOMAIN}>`,
            to: '5551234',
            'to-aor': `<sip:5551234@${DOMAIN}>`,
            direction: 'OUTGOING',
            recipient: '5551234',
            internal: false,
            type: 'Unknown',
            'start-time': start,
            duration: micros(event, 'Event-Date-Timestamp') - start,
          },
        ]);
        // The far end sees the same call coming in.
        expect(cdrs(state, '5551234', event).map((cdr) => cdr.direction)).toEqual(['INCOMING']);
        checked = true;
      });
      expect(checked).toBe(true);
    });

    it(`${name}: 1b click-to-call bridged to a loopback extension: both loopback halves are one hop of 1000's call`, () => {
      let checked = false;
      replay(name, ({ event, note }, state) => {
        if (!note.startsWith('1b') || event?.name !== 'CHANNEL_BRIDGE') return;
        const calls = callsForUser(state, '1000');
        expect(calls.map((call) => call.legs.map((leg) => leg.name))).toEqual([
          ['sofia/internal/1000@127.0.0.1:5070', 'loopback/9993-a', 'loopback/9993-b'],
        ]);
        expect(state.calls.size).toBe(1);
        const [cdr] = cdrs(state, '1000', event);
        expect([cdr?.from, cdr?.to, cdr?.direction, cdr?.recipient]).toEqual([
          '1000',
          '9993',
          'OUTGOING',
          '9993',
        ]);
        checked = true;
      });
      expect(checked).toBe(true);
    });

    it(`${name}: 2c Ext 1011 calling 1000 is INCOMING for 1000 and OUTGOING for 1011`, () => {
      let checked = false;
      replay(name, ({ event, note }, state) => {
        if (!note.startsWith('2 2c') || event?.name !== 'CHANNEL_BRIDGE') return;
        const expected = {
          from: '1011',
          'from-aor': `"Ext 1011" <sip:1011@${DOMAIN}>`,
          to: '1000',
          'to-aor': `<sip:1000@${DOMAIN}>`,
          recipient: '1000',
          internal: true,
          type: 'Unknown',
        };
        const [incoming] = cdrs(state, '1000', event);
        const [outgoing] = cdrs(state, '1011', event);
        expect(incoming).toMatchObject({ ...expected, direction: 'INCOMING' });
        expect(outgoing).toMatchObject({ ...expected, direction: 'OUTGOING' });
        expect(incoming?.['start-time']).toBe(outgoing?.['start-time']);
        expect(callsForUser(state, '1000')[0]?.legs.map((leg) => leg.direction)).toEqual([
          'inbound',
          'outbound',
        ]);
        checked = true;
      });
      expect(checked).toBe(true);
    });

    it(`${name}: 2d the recipient is who answered behind the dialed extension`, () => {
      let checked = false;
      replay(name, ({ event, note }, state) => {
        if (!note.startsWith('2 2d') || event?.name !== 'CHANNEL_BRIDGE') return;
        const [cdr] = cdrs(state, '1012', event);
        expect([cdr?.from, cdr?.to, cdr?.recipient, cdr?.direction]).toEqual([
          '1012',
          '9995',
          '2000',
          'OUTGOING',
        ]);
        checked = true;
      });
      expect(checked).toBe(true);
    });

    it(`${name}: 3a an originate ringing 1000's phone is an INCOMING call for 1000; hung-up legs are no active call`, () => {
      const seen: string[] = [];
      replay(name, ({ event, note }, state) => {
        if (!note.startsWith('3a') || event === undefined) return;
        const list = cdrs(state, '1000', event);
        if (event.name === 'CHANNEL_PROGRESS') {
          // FreeSWITCH rings 1000's phone with its placeholder caller ID (0000000000): from nobody.
          expect(list).toMatchObject([
            { from: '', to: '1000', direction: 'INCOMING', recipient: '', internal: false },
          ]);
          seen.push('ringing');
        }
        if (event.name === 'CHANNEL_HANGUP') {
          expect(list).toEqual([]);
          seen.push('hangup');
        }
      });
      expect(seen).toEqual(['ringing', 'hangup']);
    });
  }

  it('plain and json recordings show the same calls at every scenario step', () => {
    const [plain, json] = FORMATS.map((name) => {
      const shapes: unknown[] = [];
      replay(name, ({ event, note }, state) => {
        // Commands and the notes that start a step are quiet moments; "sipp ... exit 0" races the
        // channel teardown FreeSWITCH is still reporting.
        if (event !== undefined || / exit \d+$/.test(note)) return;
        shapes.push(
          [...state.calls.values()].map((call) => call.legs.map((leg) => [leg.name, leg.user, leg.phase])),
          ['1000', '1011', '1012'].map((user) =>
            activeCdrsForUser(state, user, { domain: DOMAIN, now: 0 }).map((cdr) => ({
              ...cdr,
              'start-time': 0,
              duration: 0,
            })),
          ),
        );
      });
      return shapes;
    });
    expect(plain?.length).toBeGreaterThan(40);
    expect(json).toEqual(plain);
  });
});
