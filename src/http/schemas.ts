// Request body schemas, composed from the domain's field rules so HTTP and the store agree on what is
// valid. Strict objects: an unknown field is a 400 naming it.
import { z } from 'zod';
import {
  CONFERENCE_BOOLEAN_FIELDS,
  CONFERENCE_INTEGER_FIELDS,
  conferenceFields as f,
  newConferenceName,
} from '../domain/conferences.js';
import { newUserName, userFields as u } from '../domain/users.js';
import type { DocumentShape } from './body.js';

export const createUserSchema = z.strictObject({
  userName: newUserName,
  password: u.password,
  imId: u.imId.optional(),
  firstName: u.firstName.optional(),
  lastName: u.lastName.optional(),
  role: u.role.optional(),
  sipPassword: u.sipPassword.optional(),
  callerIdName: u.callerIdName.optional(),
  callerIdNumber: u.callerIdNumber.optional(),
});

export const updateUserSchema = z.strictObject({
  /** Identity: allowed only when equal to the path's userName (so a GET result can be PUT back). */
  userName: u.userName.optional(),
  /** null or '' removes the IM id. */
  imId: z.union([u.imId, z.literal(''), z.null()]).optional(),
  firstName: u.firstName.optional(),
  lastName: u.lastName.optional(),
  role: u.role.optional(),
  password: u.password.optional(),
  sipPassword: u.sipPassword.optional(),
  callerIdName: u.callerIdName.optional(),
  callerIdNumber: u.callerIdNumber.optional(),
});

const settingFields = {
  description: f.description.optional(),
  enabled: f.enabled.optional(),
  accessCode: f.accessCode.optional(),
  autorecorded: f.autorecorded.optional(),
  quickstart: f.quickstart.optional(),
  video: f.video.optional(),
  sendActiveVideoOnly: f.sendActiveVideoOnly.optional(),
  maxMembers: f.maxMembers.optional(),
  moh: f.moh.optional(),
  moderatedRoom: f.moderatedRoom.optional(),
  publicRoom: f.publicRoom.optional(),
  muteOnEntry: f.muteOnEntry.optional(),
  endOnOwnerExit: f.endOnOwnerExit.optional(),
  ownerRequired: f.ownerRequired.optional(),
  moderatorPin: f.moderatorPin.optional(),
  attendeeNotification: f.attendeeNotification.optional(),
  delegates: f.delegates.optional(),
};

export const createConferenceSchema = z.strictObject({
  name: newConferenceName,
  owner: f.owner,
  extension: f.extension,
  ...settingFields,
});

export const updateConferenceSchema = z.strictObject({
  /** Identity: allowed only when equal to the path's name. */
  name: f.name.optional(),
  owner: f.owner.optional(),
  extension: f.extension.optional(),
  ...settingFields,
});

/**
 * PUT /my/conferences/{name}: the `setting` document, in sipX's names or the store's. Every field sipX's
 * own setting carried (sipx-elements.ts) is accepted, `moderatorCode` being the moderator PIN (the
 * seed-003 name `moderatorPin` is accepted too); name and extension are read-only there (equal values
 * pass, so a GET can be PUT back). `null` means "unchanged", as sipX's PUT treated a missing value.
 */
const orNull = <T extends z.ZodType>(field: T) => field.nullable().optional();

export const settingSchema = z.strictObject({
  enabled: orNull(f.enabled),
  name: orNull(f.name),
  description: orNull(f.description),
  autorecorded: orNull(f.autorecorded),
  accessCode: orNull(f.accessCode),
  moderatorCode: orNull(f.moderatorPin),
  quickstart: orNull(f.quickstart),
  video: orNull(f.video),
  sendActiveVideoOnly: orNull(f.sendActiveVideoOnly),
  maxMembers: orNull(f.maxMembers),
  moh: orNull(f.moh),
  moderatedRoom: orNull(f.moderatedRoom),
  publicRoom: orNull(f.publicRoom),
  extension: orNull(f.extension),
  muteOnEntry: orNull(f.muteOnEntry),
  endOnOwnerExit: orNull(f.endOnOwnerExit),
  ownerRequired: orNull(f.ownerRequired),
  moderatorPin: orNull(f.moderatorPin),
  attendeeNotification: orNull(f.attendeeNotification),
  delegates: orNull(f.delegates),
});

export const SETTING_DOCUMENT: DocumentShape = {
  root: 'setting',
  booleans: CONFERENCE_BOOLEAN_FIELDS,
  integers: CONFERENCE_INTEGER_FIELDS,
  lists: { delegates: 'delegate' },
};
