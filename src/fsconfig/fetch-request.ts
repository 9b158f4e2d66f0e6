// What mod_xml_curl POSTs (src/mod/xml_int/mod_xml_curl/mod_xml_curl.c, xml_url_fetch): the form
// `hostname=..&section=..&tag_name=..&key_name=..&key_value=..` followed by every header of the lookup's
// event, url-encoded. This reads only the fields the answers need and checks each against what
// FreeSWITCH can send; anything else is dropped unread. Pure: no I/O.

export type Section = 'directory' | 'dialplan' | 'configuration';

export interface FetchRequest {
  section: Section | 'other';
  keyValue: string | undefined;
  /** The fields of the lookup event this daemon reads, checked. */
  fields: ReadonlyMap<string, string>;
}

/**
 * Fields read, with what each may look like (anything else makes the field absent). A Map, not an
 * object: a form field named `constructor` or `__proto__` must find nothing here.
 */
const FIELD_RULES: ReadonlyMap<string, RegExp> = new Map(
  Object.entries({
    // configuration: conference.conf opened for a join
    conference_name: /^[A-Za-z0-9_.@-]{1,128}$/,
    profile_name: /^[A-Za-z0-9_.-]{1,64}$/,
    // set by other conference.conf lookups (caller controls); their presence means "not a join"
    Action: /^[A-Za-z0-9_.-]{1,64}$/,
    // the caller-controls lookup (conference_member_bind_controls): Action=request-controls
    Controls: /^[A-Za-z0-9_.-]{1,64}$/,
    'Conf-Profile': /^[A-Za-z0-9_.-]{1,64}$/,
    // directory: a REGISTER/INVITE digest check or a `user/` dial
    user: /^[A-Za-z0-9._@+-]{1,128}$/,
    domain: /^[A-Za-z0-9.-]{1,253}$/,
    action: /^[A-Za-z0-9_.-]{1,64}$/,
    purpose: /^[A-Za-z0-9_.-]{1,64}$/,
    // dialplan: the caller profile the hunt runs on, and the channel's own
    'Hunt-Destination-Number': /^[A-Za-z0-9*#+_.@:-]{1,128}$/,
    'Hunt-Context': /^[A-Za-z0-9_.-]{1,64}$/,
    'Caller-Destination-Number': /^[A-Za-z0-9*#+_.@:-]{1,128}$/,
    'Caller-Context': /^[A-Za-z0-9_.-]{1,64}$/,
  }),
);

const SECTIONS: readonly Section[] = ['directory', 'dialplan', 'configuration'];
const KEY_VALUE_RE = /^[A-Za-z0-9_.@:+-]{1,253}$/;
/** A lookup event carries a few hundred headers at most; more is not FreeSWITCH. */
export const MAX_FIELDS = 2000;
export const MAX_BODY_BYTES = 256 * 1024;

export type ParsedFetch = { ok: true; request: FetchRequest } | { ok: false; error: string };

export function parseFetchRequest(body: string): ParsedFetch {
  if (body.length > MAX_BODY_BYTES) return { ok: false, error: 'body too large' };
  let form: URLSearchParams;
  try {
    form = new URLSearchParams(body);
  } catch {
    return { ok: false, error: 'not a form' };
  }
  let count = 0;
  let section: string | undefined;
  let keyValue: string | undefined;
  const fields = new Map<string, string>();
  for (const [name, value] of form) {
    if (++count > MAX_FIELDS) return { ok: false, error: 'too many fields' };
    if (name === 'section') section ??= value;
    else if (name === 'key_value') keyValue ??= value;
    else {
      const rule = FIELD_RULES.get(name);
      // the first occurrence counts, as switch_event_get_header returns the first
      if (rule !== undefined && !fields.has(name) && rule.test(value)) fields.set(name, value);
    }
  }
  if (section === undefined) return { ok: false, error: 'no section' };
  return {
    ok: true,
    request: {
      section: (SECTIONS as readonly string[]).includes(section) ? (section as Section) : 'other',
      keyValue: keyValue !== undefined && KEY_VALUE_RE.test(keyValue) ? keyValue : undefined,
      fields,
    },
  };
}
