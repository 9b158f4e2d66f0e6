// The `dialplan` answer for one conference extension, shaped like vanilla's `nb_conferences` extension
// (conf/vanilla/dialplan/default.xml: answer, then `conference <name>@<profile>`), with two conditions
// as vanilla's `unloop` extension has: the dialled number, then who is calling.
//
// Hosts (the owner and the delegates, recognised by the user they authenticated as) join as moderators
// without the PIN prompt (`conference_enforce_security=false` also lets them into their locked room);
// the owner carries `endconf` when the conference ends with its owner. Everyone else gets the
// participant PIN in the application data (`name@profile+PIN`, which mod_conference prefers over the
// profile's), the moderator PIN as `conference_moderator_pin` (preferred over the profile's), and
// explicit member flags: `+flags{mute}` or `+flags{}`, because flags given with the data replace the
// profile's, so a room started with mute on entry does not keep muting guests once it is turned off.
// The dialplan is fetched for every call, so every change applies to the next caller even while the
// conference runs; nothing here is stuck in a running conference the way profile values are.
import type { Conference } from '../domain/conferences.js';
import { exactly, freeswitchDocument, safeValue, type XmlNode } from './xml-document.js';

/** The channel variable sofia sets only on a digest-authenticated INVITE: who the caller proved to be. */
export const CALLER_IDENTITY_FIELD = '${sip_auth_username}';

export interface DialplanOptions {
  context: string;
  /** The conference profile (CONFERENCE_PROFILE); conference.conf answers carry its settings. */
  profile: string;
}

/** `name@profile[+pin]+flags{a|b}`, the conference application's argument. */
export function conferenceData(name: string, profile: string, pin: string, flags: readonly string[]): string {
  return `${name}@${profile}${pin !== '' ? `+${pin}` : ''}+flags{${flags.join('|')}}`;
}

export function hostFlags(conf: Conference, isOwner: boolean): string[] {
  return isOwner && conf.endOnOwnerExit ? ['moderator', 'endconf'] : ['moderator'];
}

export function guestFlags(conf: Conference): string[] {
  return conf.muteOnEntry ? ['mute'] : [];
}

type Action = { '@_application': string; '@_data'?: string };
const app = (application: string, data?: string): Action =>
  data === undefined ? { '@_application': application } : { '@_application': application, '@_data': data };

function enabledExtension(conf: Conference, options: DialplanOptions): XmlNode {
  const name = safeValue('name', conf.name);
  const profile = safeValue('profile', options.profile);
  const pin = safeValue('accessCode', conf.accessCode);
  const owner = safeValue('owner', conf.owner);
  const delegates = conf.delegates.map((d) => safeValue('delegates', d));
  const join = (flags: readonly string[], withPin: boolean) =>
    app('conference', conferenceData(name, profile, withPin ? pin : '', flags));
  // The owner's own branch comes first so it can carry endconf; delegates are hosts without it.
  const ownerCondition: XmlNode = {
    '@_field': CALLER_IDENTITY_FIELD,
    '@_expression': exactly([owner]),
    '@_break': 'on-true',
    action: [
      app('set', 'conference_enforce_security=false'),
      app('answer'),
      join(hostFlags(conf, true), false),
    ],
  };
  const conditions: XmlNode[] = [
    { '@_field': 'destination_number', '@_expression': exactly([conf.extension]) },
    ownerCondition,
  ];
  // FreeSWITCH prompts for a PIN only with a participant PIN; a moderator PIN alone would lock guests out
  const mpin = conf.accessCode !== '' ? safeValue('moderatorPin', conf.moderatorPin) : '';
  const guests = [
    ...(mpin !== '' ? [app('set', `conference_moderator_pin=${mpin}`)] : []),
    app('answer'),
    join(guestFlags(conf), true),
  ];
  if (delegates.length > 0) {
    conditions.push({
      '@_field': CALLER_IDENTITY_FIELD,
      '@_expression': exactly(delegates),
      action: [
        app('set', 'conference_enforce_security=false'),
        app('answer'),
        join(hostFlags(conf, false), false),
      ],
      'anti-action': guests,
    });
  } else {
    conditions.push({
      '@_field': CALLER_IDENTITY_FIELD,
      '@_expression': exactly([owner]),
      'anti-action': guests,
    });
  }
  return { '@_name': `sipx-conference-${name}`, condition: conditions };
}

/** A disabled conference's number is refused here rather than left to the static dialplan. */
function disabledExtension(conf: Conference): XmlNode {
  return {
    '@_name': `sipx-conference-${safeValue('name', conf.name)}-disabled`,
    condition: {
      '@_field': 'destination_number',
      '@_expression': exactly([conf.extension]),
      action: app('hangup', 'CALL_REJECTED'),
    },
  };
}

/** The answer for a call to `conf.extension` in `options.context`. */
export function dialplanDocument(conf: Conference, options: DialplanOptions): string {
  return freeswitchDocument(
    'dialplan',
    {
      context: {
        '@_name': safeValue('context', options.context),
        extension: conf.enabled ? enabledExtension(conf, options) : disabledExtension(conf),
      },
    },
    'sipXconfig conferences',
  );
}
