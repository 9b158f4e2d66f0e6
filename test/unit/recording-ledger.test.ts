// The recording ledger learns recordings from the live state's changes: a recording-started record
// (with the start time the state keeps), and after a resync the recordings the node lists as running.
// Only files directly in RECORDINGS_DIR with a recording's name count; the ledger is bounded.
import type { EslEvent } from '../../src/esl/events.js';
import { describe, expect, it } from 'vitest';
import { RecordingLedger } from '../../src/control/recording-ledger.js';
import { NODE_SYNCED } from '../../src/state/changes.js';
import { LiveState, nodeStateFromSnapshot } from '../../src/state/node-state.js';
import { transcriptEvents } from '../helpers/state-replay.js';

const DIR = '/tmp';
// conference-json records demo to /tmp/x.wav (start-recording, then stop-recording)
const events = transcriptEvents('conference-json');
const started = events.find((e) => e.headers['Action'] === 'start-recording')!;

function following(limit?: number) {
  const live = new LiveState();
  live.addNode('fs1').synced = true;
  const ledger = new RecordingLedger(DIR, limit);
  const stop = ledger.follow(live);
  const play = (evs: readonly EslEvent[]) => {
    for (const e of evs) live.changes.publish('fs1', live.apply('fs1', e));
  };
  return { live, ledger, play, stop };
}

const withPath = (path: string): EslEvent => ({ ...started, headers: { ...started.headers, Path: path } });

describe('RecordingLedger', () => {
  it('notes the file a recording-started record names, at the time FreeSWITCH started it', () => {
    const { ledger, play } = following();
    play(events);
    const at = Math.floor(Number(started.headers['Event-Date-Timestamp']) / 1000);
    expect(ledger.seenFor('demo')).toEqual(new Map([['x.wav', at]]));
    expect(ledger.seenFor('other')).toEqual(new Map());
  });

  it('only files directly in the recordings directory with a recording name', () => {
    const { ledger, play } = following();
    play(events.slice(0, events.indexOf(started)));
    play(
      ['/var/x.wav', '/tmp/sub/y.wav', '/tmp/../tmp/z.wav', 'relative.wav', '/tmp/notes.txt'].map(withPath),
    );
    expect([...ledger.seenFor('demo').keys()]).toEqual(['z.wav']);
  });

  it('after a resync, the recordings the node lists as running are noted too', () => {
    const { live, ledger } = following();
    const snapshot = nodeStateFromSnapshot('fs1', {
      channelsJson: '{"row_count":0}',
      conferenceXml:
        '<conferences><conference name="demo" member-count="0" uuid="u1" running="true" recording="true">' +
        '<members/></conference></conferences>',
      now: 1_000,
    });
    if (!snapshot.ok) throw new Error(snapshot.error);
    snapshot.value.conferences.conferences.get('demo')!.recordings.push({
      path: '/tmp/running.wav',
      startedAt: 500,
      paused: false,
    });
    live.replaceNode(snapshot.value);
    live.changes.publish('fs1', NODE_SYNCED);
    expect(ledger.seenFor('demo')).toEqual(new Map([['running.wav', 500]]));
  });

  it('keeps at most `limit` entries, forgetting the oldest; stops when told to', () => {
    const { ledger, play, stop } = following(2);
    play(events.slice(0, events.indexOf(started)));
    play(['/tmp/a.wav', '/tmp/b.wav', '/tmp/c.wav'].map(withPath));
    expect([...ledger.seenFor('demo').keys()]).toEqual(['b.wav', 'c.wav']);
    stop();
    play([withPath('/tmp/d.wav')]);
    expect([...ledger.seenFor('demo').keys()]).toEqual(['b.wav', 'c.wav']);
  });
});
