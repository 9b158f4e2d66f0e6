import { describe, expect, it } from 'vitest';
import { newConference, type ConferenceInput } from '../../src/domain/conferences.js';
import type { EslPool } from '../../src/esl/pool.js';
import { LiveSettingsApplier, liveSettingCommands } from '../../src/control/live-settings.js';
import { createLogger } from '../../src/log.js';
import type { LiveState } from '../../src/state/node-state.js';
import type { Store } from '../../src/store/store.js';
import { loadConfig } from '../../src/config.js';
import { ConferenceCommands } from '../../src/control/conference-commands.js';
import { FreeswitchNodes } from '../../src/control/freeswitch-nodes.js';
import { SipDomainResolver } from '../../src/control/sip-domain.js';
import { controlSettings } from '../../src/daemon.js';

const conf = (over: Partial<ConferenceInput> = {}) =>
  newConference({ name: 'alice-conf', owner: '200', extension: '3000', ...over });

describe('liveSettingCommands', () => {
  it('nothing FreeSWITCH can change live: no command', () => {
    expect(liveSettingCommands(conf(), conf({ muteOnEntry: true, description: 'x', moh: 'NONE' }))).toEqual(
      [],
    );
  });

  it('participant PIN set, changed, removed', () => {
    expect(liveSettingCommands(conf(), conf({ accessCode: '1234' }))).toEqual([{ name: 'pin', pin: '1234' }]);
    expect(liveSettingCommands(conf({ accessCode: '1' }), conf({ accessCode: '2' }))).toEqual([
      { name: 'pin', pin: '2' },
    ]);
    expect(liveSettingCommands(conf({ accessCode: '1' }), conf())).toEqual([{ name: 'nopin' }]);
  });

  it('the moderator PIN needs no command: it goes with each call', () => {
    expect(
      liveSettingCommands(conf({ accessCode: '1' }), conf({ accessCode: '1', moderatorPin: '9' })),
    ).toEqual([]);
  });

  it('max members, 0 lifting the limit; 1 cannot be expressed', () => {
    expect(liveSettingCommands(conf(), conf({ maxMembers: 10 }))).toEqual([
      { name: 'set', parameter: 'max_members', value: 10 },
    ]);
    expect(liveSettingCommands(conf({ maxMembers: 10 }), conf())).toEqual([
      { name: 'set', parameter: 'max_members', value: 0 },
    ]);
    expect(liveSettingCommands(conf(), conf({ maxMembers: 1 }))).toEqual([]);
  });

  it('disabling locks the running conference, enabling unlocks it, before anything else', () => {
    expect(liveSettingCommands(conf(), conf({ enabled: false, maxMembers: 3 }))).toEqual([
      { name: 'lock' },
      { name: 'set', parameter: 'max_members', value: 3 },
    ]);
    expect(liveSettingCommands(conf({ enabled: false }), conf())).toEqual([{ name: 'unlock' }]);
  });
});

describe('LiveSettingsApplier with several daemons', () => {
  it('sends the commands for its own saves only; a remote change was applied by the daemon that made it', async () => {
    const sent: string[] = [];
    const client = { api: async (line: string) => (sent.push(line), '+OK') };
    const live = { conferenceNode: () => ({ nodeId: 'n1', available: true }) } as unknown as LiveState;
    const nodes = new FreeswitchNodes(live, { get: () => client } as unknown as EslPool);
    const conferences = new ConferenceCommands({
      nodes,
      domains: new SipDomainResolver('example.org', nodes, createLogger('silent')),
      store: {} as Store,
      settings: controlSettings(loadConfig({})),
    });
    const applier = new LiveSettingsApplier({ conferences, logger: createLogger('silent') });
    const before = conf();
    applier.onChange({
      kind: 'conference',
      action: 'updated',
      name: 'alice-conf',
      before,
      after: conf({ accessCode: '11' }),
      remote: true,
    });
    applier.onChange({
      kind: 'conference',
      action: 'updated',
      name: 'alice-conf',
      before,
      after: conf({ accessCode: '22' }),
    });
    applier.onChange({
      kind: 'conference',
      action: 'updated',
      name: 'alice-conf',
      before,
      after: conf({ maxMembers: 5, enabled: false }),
    });
    await applier.settled();
    expect(sent).toEqual([
      'conference alice-conf pin 22',
      'conference alice-conf lock',
      'conference alice-conf set max_members 5',
    ]);
  });
});
