import { describe, expect, it } from 'vitest';
import { newConference, type ConferenceInput } from '../../src/domain/conferences.js';
import { liveSettingCommands } from '../../src/fsconfig/live-settings.js';

const conf = (over: Partial<ConferenceInput> = {}) =>
  newConference({ name: 'alice-conf', owner: '200', extension: '3000', ...over });

describe('liveSettingCommands', () => {
  it('nothing FreeSWITCH can change live: no command', () => {
    expect(liveSettingCommands(conf(), conf({ muteOnEntry: true, description: 'x', moh: 'NONE' }))).toEqual(
      [],
    );
  });

  it('participant PIN set, changed, removed', () => {
    expect(liveSettingCommands(conf(), conf({ accessCode: '1234' }))).toEqual([['pin', '1234']]);
    expect(liveSettingCommands(conf({ accessCode: '1' }), conf({ accessCode: '2' }))).toEqual([['pin', '2']]);
    expect(liveSettingCommands(conf({ accessCode: '1' }), conf())).toEqual([['nopin']]);
  });

  it('the moderator PIN needs no command: it goes with each call', () => {
    expect(
      liveSettingCommands(conf({ accessCode: '1' }), conf({ accessCode: '1', moderatorPin: '9' })),
    ).toEqual([]);
  });

  it('max members, 0 lifting the limit; 1 cannot be expressed', () => {
    expect(liveSettingCommands(conf(), conf({ maxMembers: 10 }))).toEqual([['set', 'max_members', '10']]);
    expect(liveSettingCommands(conf({ maxMembers: 10 }), conf())).toEqual([['set', 'max_members', '0']]);
    expect(liveSettingCommands(conf(), conf({ maxMembers: 1 }))).toEqual([]);
  });

  it('disabling locks the running conference, enabling unlocks it, before anything else', () => {
    expect(liveSettingCommands(conf(), conf({ enabled: false, maxMembers: 3 }))).toEqual([
      ['lock'],
      ['set', 'max_members', '3'],
    ]);
    expect(liveSettingCommands(conf({ enabled: false }), conf())).toEqual([['unlock']]);
  });
});
