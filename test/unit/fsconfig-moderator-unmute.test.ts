// Moderators are never muted on entry: a guest keying the moderator PIN joins muted (recorded from a
// real FreeSWITCH: conference-pin-modpin-endconf, member 3 "ModPin"), and the daemon unmutes it quietly.
import { describe, expect, it } from 'vitest';
import { newConference } from '../../src/domain/conferences.js';
import type { EslEvent } from '../../src/esl/events.js';
import { ModeratorUnmuter, mutedModeratorJoining } from '../../src/fsconfig/moderator-unmute.js';
import { createLogger } from '../../src/log.js';
import { recordedEvents } from '../helpers/recorded-events.js';

const CPIN = newConference({ name: 'cpin', extension: '3201', owner: '2100' });
const events = recordedEvents('conference-pin-modpin-endconf');
const joins = events.filter((e) => e.headers['Action'] === 'add-member');

function unmuter(stored = [CPIN.name], reply = '+OK unmute 3\n') {
  const sent: string[] = [];
  const client = {
    api: (line: string) => {
      sent.push(line);
      return Promise.resolve(reply);
    },
  };
  const u = new ModeratorUnmuter({
    store: { getConference: (name) => Promise.resolve(stored.includes(name) ? CPIN : undefined) },
    esl: { get: (id) => (id === 'fs1' ? (client as never) : undefined) },
    logger: createLogger('silent'),
  });
  return { u, sent };
}

describe('mutedModeratorJoining', () => {
  it('the recording: the guest (2) and the moderator-PIN guest (3) join muted, the owner (4) speaks', () => {
    expect(joins.map((e) => [e.headers['Member-ID'], e.headers['Member-Type'], e.headers['Speak']])).toEqual([
      ['2', 'member', 'false'],
      ['3', 'moderator', 'false'],
      ['4', 'moderator', 'true'],
    ]);
    expect(joins.map(mutedModeratorJoining)).toEqual([
      undefined,
      { conference: 'cpin', memberId: '3' },
      undefined,
    ]);
  });

  it('only add-member counts; a garbled id does not', () => {
    const moderatorPin = joins[1]!;
    const as = (headers: Record<string, string>): EslEvent => ({
      ...moderatorPin,
      headers: { ...moderatorPin.headers, ...headers },
    });
    expect(mutedModeratorJoining(as({ Action: 'mute-member' }))).toBeUndefined();
    expect(mutedModeratorJoining(as({ 'Member-ID': '3 all' }))).toBeUndefined();
    expect(mutedModeratorJoining({ ...moderatorPin, subclass: 'other::thing' })).toBeUndefined();
  });
});

describe('ModeratorUnmuter over the recorded session', () => {
  it('unmutes exactly the moderator-PIN guest, quietly, on the node it joined', async () => {
    const { u, sent } = unmuter();
    for (const e of events) u.onEvent('fs1', e);
    u.onEvent('fs1', 'resync');
    await u.settled();
    expect(sent).toEqual(['conference cpin unmute 3 quiet']);
  });

  it("leaves conferences that are not the daemon's alone, and survives FreeSWITCH refusing", async () => {
    const other = unmuter([]);
    for (const e of joins) other.u.onEvent('fs1', e);
    await other.u.settled();
    expect(other.sent).toEqual([]);
    const gone = unmuter([CPIN.name], '-ERR Non-Existant ID 3\n');
    for (const e of joins) gone.u.onEvent('fs1', e);
    await gone.u.settled();
    expect(gone.sent).toHaveLength(1);
    const unknownNode = unmuter();
    for (const e of joins) unknownNode.u.onEvent('fs9', e);
    await unknownNode.u.settled();
    expect(unknownNode.sent).toEqual([]);
  });
});
