// Moderators are never muted on entry: a guest keying the moderator PIN joins muted (recorded from a
// real FreeSWITCH: conference-pin-modpin-endconf, member 3 "ModPin"), and the daemon unmutes it quietly
// when the live state reports that member joining (its change feed) with the moderator flag and no voice.
import { describe, expect, it } from 'vitest';
import { newConference } from '../../src/domain/conferences.js';
import type { EslEvent } from '../../src/esl/events.js';
import { loadConfig } from '../../src/config.js';
import { ConferenceCommands } from '../../src/control/conference-commands.js';
import { FreeswitchNodes } from '../../src/control/freeswitch-nodes.js';
import { ModeratorUnmuter, mutedModeratorJoining } from '../../src/control/moderator-unmute.js';
import { SipDomainResolver } from '../../src/control/sip-domain.js';
import { controlSettings } from '../../src/daemon.js';
import type { EslPool } from '../../src/esl/pool.js';
import type { Store } from '../../src/store/store.js';
import { createLogger } from '../../src/log.js';
import { NODE_SYNCED } from '../../src/state/changes.js';
import { applyEvent, createNodeState, LiveState } from '../../src/state/node-state.js';
import { recordedEvents } from '../helpers/recorded-events.js';

const CPIN = newConference({ name: 'cpin', extension: '3201', owner: '2100' });
const events = recordedEvents('conference-pin-modpin-endconf');
const joins = events.filter((e) => e.headers['Action'] === 'add-member');
// up to the owner's join: the conference still runs when the unmute goes out
const running = events.slice(0, events.indexOf(joins[joins.length - 1]!) + 1);

/** A synced live state for node fs1 and the unmuter following its changes. */
function unmuter(stored = [CPIN.name], reply = '+OK unmute 3\n') {
  const sent: string[] = [];
  const client = {
    api: (line: string) => {
      sent.push(line);
      return Promise.resolve(reply);
    },
  };
  const live = new LiveState();
  live.addNode('fs1').synced = true;
  live.addNode('fs9').synced = true;
  const logger = createLogger('silent');
  const pool = { get: (id: string) => (id === 'fs1' ? client : undefined) } as unknown as EslPool;
  const nodes = new FreeswitchNodes(live, pool);
  const conferences = new ConferenceCommands({
    nodes,
    domains: new SipDomainResolver('example.org', nodes, logger),
    store: {} as Store,
    settings: controlSettings(loadConfig({})),
  });
  const u = new ModeratorUnmuter({
    live,
    store: { getConference: (name) => Promise.resolve(stored.includes(name) ? CPIN : undefined) },
    conferences,
    logger,
  });
  live.changes.subscribe(u.onChanges);
  /** What NodeSync does with each event: apply it, then publish what it changed. */
  const play = (node: string, evs: readonly EslEvent[]) => {
    for (const e of evs) live.changes.publish(node, live.apply(node, e));
  };
  return { u, sent, live, play };
}

describe('mutedModeratorJoining', () => {
  it('the recording: the guest (2) and the moderator-PIN guest (3) join muted, the owner (4) speaks', () => {
    expect(joins.map((e) => [e.headers['Member-ID'], e.headers['Member-Type'], e.headers['Speak']])).toEqual([
      ['2', 'member', 'false'],
      ['3', 'moderator', 'false'],
      ['4', 'moderator', 'true'],
    ]);
    const node = createNodeState('fs1');
    const found = joins.flatMap((e) =>
      applyEvent(node, e).map((change) => mutedModeratorJoining(node.conferences, change)),
    );
    expect(found).toEqual([undefined, undefined, { conference: 'cpin', memberId: 3 }, undefined]);
  });

  it('only a member-joined record counts, for a member still there; a garbled id joins nobody', () => {
    const node = createNodeState('fs1');
    const [guest, moderatorPin] = joins as [EslEvent, EslEvent];
    applyEvent(node, guest);
    const joined = applyEvent(node, moderatorPin);
    expect(joined).toEqual([{ kind: 'member', how: 'joined', conference: 'cpin', member: 3 }]);
    const updated = { kind: 'member', how: 'updated', conference: 'cpin', member: 3 } as const;
    expect(mutedModeratorJoining(node.conferences, updated)).toBeUndefined();
    expect(mutedModeratorJoining(undefined, joined[0]!)).toBeUndefined();
    // FreeSWITCH said it again: nothing joined, nothing to unmute
    expect(applyEvent(node, moderatorPin)).toEqual([]);
    const as = (headers: Record<string, string>): EslEvent => ({
      ...moderatorPin,
      headers: { ...moderatorPin.headers, ...headers },
    });
    expect(applyEvent(node, as({ 'Member-ID': '3 all' }))).toEqual([]);
    expect(applyEvent(node, { ...moderatorPin, subclass: 'other::thing' })).toEqual([]);
    applyEvent(node, as({ Action: 'del-member' }));
    expect(mutedModeratorJoining(node.conferences, joined[0]!)).toBeUndefined();
  });
});

describe('ModeratorUnmuter over the recorded session', () => {
  it('unmutes exactly the moderator-PIN guest, quietly, on the node it joined', async () => {
    const { u, sent, live, play } = unmuter();
    play('fs1', running);
    live.changes.publish('fs1', NODE_SYNCED);
    await u.settled();
    expect(sent).toEqual(['conference cpin unmute 3 quiet']);
  });

  it("leaves conferences that are not the daemon's alone, and survives FreeSWITCH refusing", async () => {
    const other = unmuter([]);
    other.play('fs1', joins);
    await other.u.settled();
    expect(other.sent).toEqual([]);
    const gone = unmuter([CPIN.name], '-ERR Non-Existant ID 3\n');
    gone.play('fs1', joins);
    await gone.u.settled();
    expect(gone.sent).toHaveLength(1);
    const unknownNode = unmuter();
    unknownNode.play('fs9', joins);
    await unknownNode.u.settled();
    expect(unknownNode.sent).toEqual([]);
  });
});
