// The exact element lists of the sipX resources, in sipX's order. Real sipX clients parse strictly:
// the openUC/Spark IM plugin reads XML with XStream (`new XStream(new DomDriver())`, aliases only, no
// ignoreUnknownElements(), org/ezuce/common/io/XStreamIO.java), which throws on any element its class
// lacks, and Jackson fails on unknown JSON properties by default. So these lists are what the
// resources carry by default, in XML and JSON; the daemon's extras come only with `?extended=true`.
// Sources: SIPfoundry/legacy-sipxecs sipXconfig/web/src/org/sipfoundry/sipxconfig/rest/*.java (the
// server's Representable classes and XStream aliases) and the openUC plugin's org/ezuce/common/xml/*XML.java
// (the client's classes). Element order is the field order of sipX's classes (XStream writes fields
// in declaration order).

/**
 * `cdrs/cdr`: UserActiveCdrsResource.Representable with CdrRepresentation's aliases (caller→from,
 * callerAor→from-aor, callee→to, calleeAor→to-aor, callDirection→direction, recipient,
 * callerInternal→internal, callTypeName→type, startTime→start-time, duration). Its calleeRoute→`route`
 * is null for live calls and so never written by XStream; the client class ActiveCdrXML (aliases in
 * org/ezuce/common/io/ActiveCdrsIO.java) has no `route`, so writing one would break it.
 */
export const SIPX_CDR_ELEMENTS = [
  'from',
  'from-aor',
  'to',
  'to-aor',
  'direction',
  'recipient',
  'internal',
  'type',
  'start-time',
  'duration',
] as const;
/** Daemon extras of a cdr (`?extended=true`): the call's id and its progress. */
export const EXTENDED_CDR_ELEMENTS = ['uuid', 'state'] as const;

/**
 * `conference` of /my/conferencedetails: UserConferenceDetailsResource.Representable (extension,
 * description, locked, members), aliases conference / members / member; client class ConferenceXML.
 */
export const SIPX_CONFERENCE_DETAILS_ELEMENTS = ['extension', 'description', 'locked', 'members'] as const;
/**
 * `members/member`: UserConferenceDetailsResource.Member (id, name, imId, uuid, volumeIn, volumeOut,
 * energyLevel, canHear, canSpeak); client class ConferenceMemberXML (aliases in ConferenceDetailsIO).
 */
export const SIPX_MEMBER_ELEMENTS = [
  'id',
  'name',
  'imId',
  'uuid',
  'volumeIn',
  'volumeOut',
  'energyLevel',
  'canHear',
  'canSpeak',
] as const;
/** Daemon extras of a member (`?extended=true`). */
export const EXTENDED_MEMBER_ELEMENTS = ['talking', 'moderator', 'joinTime'] as const;

/**
 * `conferences/conference` of /my/conferences: UserConferenceResource.Representable (enabled, name,
 * description, extension, participantAccessCode→accessCode); client class MyConferenceXML (aliases in
 * MyConferencesIO). No extras.
 */
export const SIPX_CONFERENCE_SUMMARY_ELEMENTS = [
  'enabled',
  'name',
  'description',
  'extension',
  'accessCode',
] as const;

/**
 * `setting` of /my/conferences/{name} (GET and PUT): UserConferenceResource.RepresentableFull, alias
 * `setting` (enabled, name, description, autorecorded, accessCode, moderatorCode, quickstart, video,
 * sendActiveVideoOnly, maxMembers, moh, moderatedRoom, publicRoom). sipX's PUT read the same class, so
 * these are also every field a sipX client sends back. No `extension`: sipX's setting had none.
 */
export const SIPX_SETTING_ELEMENTS = [
  'enabled',
  'name',
  'description',
  'autorecorded',
  'accessCode',
  'moderatorCode',
  'quickstart',
  'video',
  'sendActiveVideoOnly',
  'maxMembers',
  'moh',
  'moderatedRoom',
  'publicRoom',
] as const;
/** Daemon extras of a setting (`?extended=true`): the extension, then the seed-003 fields. */
export const EXTENDED_SETTING_ELEMENTS = [
  'extension',
  'muteOnEntry',
  'endOnOwnerExit',
  'ownerRequired',
  'moderatorPin',
  'attendeeNotification',
  'delegates',
] as const;

/**
 * `login-details`: LoginDetailsResource.Representable (userName, imId, ldapImAuth, sipPassword), alias
 * `login-details`; client class LoginDetailsXML (alias in LoginDetailsIO). No extras.
 */
export const SIPX_LOGIN_DETAILS_ELEMENTS = ['userName', 'imId', 'ldapImAuth', 'sipPassword'] as const;
