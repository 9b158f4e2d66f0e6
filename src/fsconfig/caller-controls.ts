// The keypad of the daemon's conferences: a caller-controls group the profile names (`caller-controls`),
// answered when mod_conference asks for it (conference_member_bind_controls opens conference.conf with
// Action=request-controls, Controls=<group> for every member that joins).
//
// It is vanilla's `default` group (conf/vanilla/autoload_configs/conference.conf.xml) without its
// `hangup` on `#`: mod_conference reads a PIN up to its length or a `#`, so the `#` of a PIN keyed to
// the full length (`4321#`) reaches the conference, and with the stock keys it hangs the caller up.
import { freeswitchDocument } from './xml-document.js';

/** Not `default` or `none`: mod_conference reserves those names. */
export const CALLER_CONTROLS_GROUP = 'fsconfd';

/** [action, digits], in vanilla's order. */
export const CALLER_CONTROLS: ReadonlyArray<readonly [string, string]> = [
  ['mute', '0'],
  ['deaf mute', '*'],
  ['energy up', '9'],
  ['energy equ', '8'],
  ['energy dn', '7'],
  ['vol talk up', '3'],
  ['vol talk zero', '2'],
  ['vol talk dn', '1'],
  ['vol listen up', '6'],
  ['vol listen zero', '5'],
  ['vol listen dn', '4'],
];

/** The answer to a request-controls lookup for CALLER_CONTROLS_GROUP. */
export function callerControlsDocument(): string {
  return freeswitchDocument('configuration', {
    configuration: {
      '@_name': 'conference.conf',
      '@_description': 'Audio Conference',
      'caller-controls': {
        group: {
          '@_name': CALLER_CONTROLS_GROUP,
          control: CALLER_CONTROLS.map(([action, digits]) => ({ '@_action': action, '@_digits': digits })),
        },
      },
    },
  });
}
