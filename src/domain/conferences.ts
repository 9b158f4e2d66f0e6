// Conferences: field rules (shared by the store and the HTTP layer), defaults, changes, and the views
// the sipX resources show (`conferences/conference` summaries and the `setting` document).
import { z } from 'zod';
import { isAddressableName, printableText, UNADDRESSABLE_NAME, userFields } from './users.js';

export const CONFERENCE_NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;
export const EXTENSION_RE = /^[0-9]{1,16}$/;
const PIN_RE = /^[0-9]{0,16}$/;
// sipX music-on-hold source names (FILES_SRC, SOUNDCARD_SRC, NONE, ...) or a FreeSWITCH local stream.
const MOH_RE = /^(?:[A-Z_]{1,32}|local_stream:\/\/[A-Za-z0-9_-]{1,64})$/;
export const MAX_MEMBERS_LIMIT = 10_000;
export const MAX_DELEGATES = 50;
export const ATTENDEE_NOTIFICATIONS = ['tone', 'none'] as const;
export type AttendeeNotification = (typeof ATTENDEE_NOTIFICATIONS)[number];

export const conferenceFields = {
  name: z.string().regex(CONFERENCE_NAME_RE, 'expected 1-64 of A-Z a-z 0-9 _ . -'),
  owner: userFields.userName,
  extension: z.string().regex(EXTENSION_RE, 'expected 1-16 digits'),
  accessCode: z.string().regex(PIN_RE, 'expected up to 16 digits'),
  description: printableText(255),
  enabled: z.boolean(),
  autorecorded: z.boolean(),
  quickstart: z.boolean(),
  video: z.boolean(),
  sendActiveVideoOnly: z.boolean(),
  // 0 = no limit. FreeSWITCH refuses max-members 1 (a conference of one), so the smallest limit is 2.
  maxMembers: z
    .int()
    .min(0)
    .max(MAX_MEMBERS_LIMIT)
    .refine((n) => n !== 1, 'expected 0 (no limit) or 2 and more'),
  moh: z.string().regex(MOH_RE, 'expected a source name like FILES_SRC or local_stream://NAME'),
  moderatedRoom: z.boolean(),
  publicRoom: z.boolean(),
  muteOnEntry: z.boolean(),
  endOnOwnerExit: z.boolean(),
  ownerRequired: z.boolean(),
  moderatorPin: z.string().regex(PIN_RE, 'expected up to 16 digits'),
  attendeeNotification: z.enum(ATTENDEE_NOTIFICATIONS),
  delegates: z
    .array(userFields.userName)
    .max(MAX_DELEGATES)
    .refine((list) => new Set(list).size === list.length, 'a user is listed twice'),
};

/** The name of a conference being created: the stored-name rule plus isAddressableName. */
export const newConferenceName = conferenceFields.name.refine(isAddressableName, UNADDRESSABLE_NAME);

/** Boolean and integer settings, for bodies whose values arrive as text (XML). */
export const CONFERENCE_BOOLEAN_FIELDS = [
  'enabled',
  'autorecorded',
  'quickstart',
  'video',
  'sendActiveVideoOnly',
  'moderatedRoom',
  'publicRoom',
  'muteOnEntry',
  'endOnOwnerExit',
  'ownerRequired',
] as const;
export const CONFERENCE_INTEGER_FIELDS = ['maxMembers'] as const;

export interface ConferenceSettings {
  readonly description: string;
  readonly enabled: boolean;
  /** Participant PIN; '' means none. */
  readonly accessCode: string;
  readonly autorecorded: boolean;
  readonly quickstart: boolean;
  readonly video: boolean;
  readonly sendActiveVideoOnly: boolean;
  /** 0 means no limit (as in sipX). */
  readonly maxMembers: number;
  readonly moh: string;
  readonly moderatedRoom: boolean;
  readonly publicRoom: boolean;
  readonly muteOnEntry: boolean;
  readonly endOnOwnerExit: boolean;
  readonly ownerRequired: boolean;
  /** '' means none. */
  readonly moderatorPin: string;
  readonly attendeeNotification: AttendeeNotification;
  /** User names that may control the conference like its owner. */
  readonly delegates: readonly string[];
}

export interface Conference extends ConferenceSettings {
  readonly name: string;
  readonly owner: string;
  readonly extension: string;
}

export const CONFERENCE_DEFAULTS: Readonly<ConferenceSettings> = Object.freeze({
  description: '',
  enabled: true,
  accessCode: '',
  autorecorded: false,
  quickstart: true,
  video: false,
  sendActiveVideoOnly: false,
  maxMembers: 0,
  moh: 'FILES_SRC',
  moderatedRoom: false,
  publicRoom: false,
  muteOnEntry: false,
  endOnOwnerExit: false,
  ownerRequired: false,
  moderatorPin: '',
  attendeeNotification: 'tone',
  delegates: Object.freeze([]) as readonly string[],
});

export type ConferenceInput = Pick<Conference, 'name' | 'owner' | 'extension'> & Partial<ConferenceSettings>;
/** A change to an existing conference; the name is its identity and never changes. */
export type ConferenceChange = Partial<ConferenceSettings> & { owner?: string; extension?: string };

/** A complete conference record from validated input, with defaults for everything not given. */
export function newConference(input: ConferenceInput): Conference {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  return { ...CONFERENCE_DEFAULTS, ...defined } as Conference;
}

export function applyConferenceChange(current: Conference, change: ConferenceChange): Conference {
  const defined = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
  return { ...current, ...defined, name: current.name };
}

/** Rules that span fields; undefined when the record is consistent. */
export function conferenceProblem(conf: Conference): { field: string; message: string } | undefined {
  if (conf.delegates.includes(conf.owner))
    return { field: 'delegates', message: 'the owner cannot be a delegate' };
  return undefined;
}

/** One `conferences/conference` entry, as sipX's /my/conferences lists it (sipx-elements.ts). */
export function conferenceSummary(conf: Conference) {
  return {
    enabled: conf.enabled,
    name: conf.name,
    description: conf.description,
    extension: conf.extension,
    accessCode: conf.accessCode,
  };
}

/** The `setting` document of /my/conferences/{name}: exactly sipX's fields, in sipX's order. */
export function conferenceSetting(conf: Conference) {
  return {
    enabled: conf.enabled,
    name: conf.name,
    description: conf.description,
    autorecorded: conf.autorecorded,
    accessCode: conf.accessCode,
    moderatorCode: conf.moderatorPin,
    quickstart: conf.quickstart,
    video: conf.video,
    sendActiveVideoOnly: conf.sendActiveVideoOnly,
    maxMembers: conf.maxMembers,
    moh: conf.moh,
    moderatedRoom: conf.moderatedRoom,
    publicRoom: conf.publicRoom,
  };
}

/** The `setting` document with `?extended=true`: sipX's fields, then the extension and seed 003's. */
export function extendedConferenceSetting(conf: Conference) {
  return {
    ...conferenceSetting(conf),
    extension: conf.extension,
    muteOnEntry: conf.muteOnEntry,
    endOnOwnerExit: conf.endOnOwnerExit,
    ownerRequired: conf.ownerRequired,
    moderatorPin: conf.moderatorPin,
    attendeeNotification: conf.attendeeNotification,
    delegates: [...conf.delegates],
  };
}

/** The admin API's view: every stored field (the store's names), plus the owner. */
export function adminConferenceView(conf: Conference) {
  return {
    ...conferenceSummary(conf),
    autorecorded: conf.autorecorded,
    quickstart: conf.quickstart,
    video: conf.video,
    sendActiveVideoOnly: conf.sendActiveVideoOnly,
    maxMembers: conf.maxMembers,
    moh: conf.moh,
    moderatedRoom: conf.moderatedRoom,
    publicRoom: conf.publicRoom,
    muteOnEntry: conf.muteOnEntry,
    endOnOwnerExit: conf.endOnOwnerExit,
    ownerRequired: conf.ownerRequired,
    moderatorPin: conf.moderatorPin,
    attendeeNotification: conf.attendeeNotification,
    delegates: [...conf.delegates],
    owner: conf.owner,
  };
}
