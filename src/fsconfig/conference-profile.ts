// The `configuration` answer for conference.conf when mod_conference opens it for one conference
// (it sends conference_name and profile_name on every join): the profile the caller asked for, built
// from vanilla's `default` profile (conf/vanilla/autoload_configs/conference.conf.xml) plus the
// conference's settings. mod_conference reads a profile when it creates the conference; what can change
// in a running one (pin, lock, max members) is applied live by live-settings.ts. The PINs are not here:
// a profile's PINs stay in a running conference (FreeSWITCH cannot remove a moderator PIN), so both go
// with each call in the dialplan (dialplan.ts). Nor is mute on entry: a profile's `member-flags` would
// stay too, so every member's flags go with its join (dialplan.ts, domain/member-flags.ts).
import type { Conference } from '../domain/conferences.js';
import { CALLER_CONTROLS_GROUP } from './caller-controls.js';
import { freeswitchDocument, params, safeValue } from './xml-document.js';

/** vanilla's enter/exit tones (attendeeNotification `tone`). */
export const ENTER_SOUND = 'tone_stream://%(200,0,500,600,700)';
export const EXIT_SOUND = 'tone_stream://%(500,0,300,200,100,50,25)';

/** The stock profile's values the daemon keeps (`$${...}` are FreeSWITCH's own global variables). */
const STOCK_HEAD: Array<[string, string]> = [
  ['domain', '$${domain}'],
  ['rate', '8000'],
  ['interval', '20'],
  ['energy-level', '100'],
  ['muted-sound', 'conference/conf-muted.wav'],
  ['unmuted-sound', 'conference/conf-unmuted.wav'],
  ['alone-sound', 'conference/conf-alone.wav'],
];
const STOCK_TAIL: Array<[string, string]> = [
  ['kicked-sound', 'conference/conf-kicked.wav'],
  ['locked-sound', 'conference/conf-locked.wav'],
  ['is-locked-sound', 'conference/conf-is-locked.wav'],
  ['is-unlocked-sound', 'conference/conf-is-unlocked.wav'],
  ['pin-sound', 'conference/conf-pin.wav'],
  ['bad-pin-sound', 'conference/conf-bad-pin.wav'],
  ['caller-id-name', '$${outbound_caller_name}'],
  ['caller-id-number', '$${outbound_caller_id}'],
  ['comfort-noise', 'true'],
  // the keypad (caller-controls.ts) instead of the stock one, which hangs up on `#`
  ['caller-controls', CALLER_CONTROLS_GROUP],
];

export interface ProfileOptions {
  /** Where auto-recordings go (RECORDINGS_DIR, an absolute path checked at start-up). */
  recordingsDir: string;
}

/** sipX music-on-hold names: FILES_SRC is the system's hold music, NONE is silence. */
export function mohSound(moh: string): string {
  if (moh.startsWith('local_stream://')) return safeValue('moh', moh);
  if (moh === 'NONE') return 'silence';
  return '$${hold_music}';
}

/** The settings part of the profile, in the order the stock file documents them. */
export function settingParams(conf: Conference, options: ProfileOptions): Array<[string, string]> {
  const out: Array<[string, string]> = [['moh-sound', mohSound(conf.moh)]];
  if (conf.attendeeNotification === 'tone')
    out.push(['enter-sound', ENTER_SOUND], ['exit-sound', EXIT_SOUND]);
  // Without quick start (sipX) or with owner required (seed 003) members wait for a moderator.
  if (conf.ownerRequired || !conf.quickstart) out.push(['conference-flags', 'wait-mod']);
  // mod_conference rejects max-members 1 (and treats 0 as no limit), so 1 cannot be expressed here.
  if (conf.maxMembers >= 2) out.push(['max-members', String(conf.maxMembers)]);
  if (conf.autorecorded)
    out.push([
      'auto-record',
      `${safeValue('recordingsDir', options.recordingsDir)}/\${conference_name}_\${strftime(%Y-%m-%d-%H-%M-%S)}.wav`,
    ]);
  return out;
}

/** The answer for conference.conf asked for `conf` with profile `profileName`. */
export function conferenceConfigurationDocument(
  conf: Conference,
  profileName: string,
  options: ProfileOptions,
): string {
  return freeswitchDocument('configuration', {
    configuration: {
      '@_name': 'conference.conf',
      '@_description': 'Audio Conference',
      profiles: {
        profile: {
          '@_name': safeValue('profile', profileName),
          param: params([...STOCK_HEAD, ...settingParams(conf, options), ...STOCK_TAIL]),
        },
      },
    },
  });
}
