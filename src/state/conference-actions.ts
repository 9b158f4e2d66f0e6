// The catalogue of FreeSWITCH `conference::maintenance` Actions (mod_conference's conference_api.c,
// conference_loop.c, conference_member.c, conference_record.c) and what the member-scoped ones say
// beyond the member data every member event carries.

import type { Member } from './member.js';
import type { Headers } from './event-fields.js';
import { flag, int } from './event-fields.js';

/** FreeSWITCH normalizes member volumes to -4..4; energy levels are small positive integers. */
export const VOLUME_RANGE = [-4, 4] as const;
export const ENERGY_RANGE = [0, 1_000_000] as const;

/** Actions whose effect on the state the reducers handle by name. */
export const STATE_ACTIONS: ReadonlySet<string> = new Set([
  'conference-create',
  'conference-destroy',
  'add-member',
  'del-member',
  'lock',
  'unlock',
  'start-recording',
  'stop-recording',
  'pause-recording',
  'resume-recording',
  'floor-change',
  'mute-member',
  'unmute-member',
  'deaf-member',
  'undeaf-member',
  'start-talking',
  'stop-talking',
  'mute-detect',
  'energy-level-member',
  'volume-in-member',
  'volume-out-member',
  'gain-level',
  'volume-level',
  'energy-level',
  'kick-member',
  'hup-member',
]);

/**
 * Actions that change nothing we track. Any member-scoped event, these included, still refreshes
 * that member's flags from the member data it carries.
 */
export const INFORMATIONAL_ACTIONS: ReadonlySet<string> = new Set([
  'play-file',
  'play-file-done',
  'play-file-member',
  'play-file-member-done',
  'speak-text',
  'speak-text-member',
  'dtmf',
  'dtmf-member',
  'bgdial-result',
  'transfer', // followed by del-member (old) and add-member (new conference)
  'execute_app',
  'set-position-member',
  'hold-member',
  'unhold-member',
  'vmute-member',
  'unvmute-member',
  'vblind-member',
  'unvblind-member',
  'exit-sounds-on',
  'exit-sounds-off',
  'exit-sound-file-changed',
  'enter-sounds-on',
  'enter-sounds-off',
  'enter-sound-file-changed',
]);

/** What the Action itself says, for values the member data does not carry (volumes) or lacks. */
export function applyMemberAction(member: Member, action: string, h: Headers): boolean {
  const before = `${+member.canHear}${+member.canSpeak}${+member.talking}|${member.volumeIn}|${member.volumeOut}|${member.energyLevel}`;
  switch (action) {
    case 'mute-member':
      member.canSpeak = flag(h, 'Speak') ?? false;
      member.talking = flag(h, 'Talking') ?? false;
      break;
    case 'unmute-member':
      member.canSpeak = flag(h, 'Speak') ?? true;
      break;
    case 'deaf-member':
      member.canHear = flag(h, 'Hear') ?? false;
      break;
    case 'undeaf-member':
      member.canHear = flag(h, 'Hear') ?? true;
      break;
    case 'start-talking':
      member.talking = flag(h, 'Talking') ?? true;
      break;
    case 'stop-talking':
      member.talking = flag(h, 'Talking') ?? false;
      break;
    case 'volume-in-member':
      member.volumeIn = int(h, 'Volume-Level', ...VOLUME_RANGE) ?? member.volumeIn;
      break;
    case 'volume-out-member':
      member.volumeOut = int(h, 'Volume-Level', ...VOLUME_RANGE) ?? member.volumeOut;
      break;
    // Caller controls (DTMF) report the new value as New-Level.
    case 'gain-level':
      member.volumeIn = int(h, 'New-Level', ...VOLUME_RANGE) ?? member.volumeIn;
      break;
    case 'volume-level':
      member.volumeOut = int(h, 'New-Level', ...VOLUME_RANGE) ?? member.volumeOut;
      break;
    case 'energy-level':
      member.energyLevel = int(h, 'New-Level', ...ENERGY_RANGE) ?? member.energyLevel;
      break;
    // energy-level-member carries Energy-Level, already applied; mute-detect carries Mute-Detect.
    // kick-member / hup-member: the member leaves with the del-member that follows.
    default:
      return false;
  }
  return (
    before !==
    `${+member.canHear}${+member.canSpeak}${+member.talking}|${member.volumeIn}|${member.volumeOut}|${member.energyLevel}`
  );
}
