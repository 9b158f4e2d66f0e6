// The second recorded set's xml-curl-requests.jsonl: every request a real FreeSWITCH 1.11.2's
// mod_xml_curl made to the daemon, with the daemon's answer then. Tests replay the raw bodies against
// today's answers, and read the recorded channels' variables the way mod_dialplan_xml does.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TRANSCRIPT_DIR } from './transcripts.js';

export interface RecordedFetch {
  time: string;
  section: string;
  /** The decoded form, field by field (the first of repeated fields). */
  form: Record<string, string>;
  /** The application/x-www-form-urlencoded body exactly as FreeSWITCH sent it. */
  raw_body: string;
  status: number;
  /** The daemon's answer at the time. */
  answer: string;
}

/** Every recorded request, in order (throws when the file is missing: the suite must not skip). */
export function recordedFetches(): RecordedFetch[] {
  return readFileSync(path.join(TRANSCRIPT_DIR, 'xml-curl-requests.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as RecordedFetch);
}

/** The recorded requests that match, in order; throws when there is none. */
export function recorded(match: (r: RecordedFetch) => boolean): RecordedFetch[] {
  const found = recordedFetches().filter(match);
  if (found.length === 0) throw new Error('no recorded request matches');
  return found;
}

/** A dialplan lookup for `destination` made for the channel named like `channel`. */
export function recordedHunt(destination: string, channel: RegExp): RecordedFetch[] {
  return recorded(
    (r) =>
      r.section === 'dialplan' &&
      r.form['Hunt-Destination-Number'] === destination &&
      channel.test(r.form['Channel-Name'] ?? ''),
  );
}

/**
 * What a dialplan condition's `field` reads on the recorded channel (switch_caller_get_field_by_name on
 * the hunted profile, or `${var}` expanded from the channel's variables, "" when unset), with `extra`
 * variables set on the channel as well.
 */
export function recordedChannelReader(
  form: Record<string, string>,
  extra: Record<string, string> = {},
): (field: string) => string {
  return (field) => {
    const variable = /^\$\{([^}]+)\}$/.exec(field)?.[1];
    if (variable !== undefined) return extra[variable] ?? form[`variable_${variable}`] ?? '';
    const name = field
      .split('_')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('-');
    return form[`Hunt-${name}`] ?? '';
  };
}
