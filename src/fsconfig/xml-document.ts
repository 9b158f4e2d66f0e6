// The envelope every mod_xml_curl answer shares (`<document type="freeswitch/xml"><section name=...>`),
// the "not found" answer that sends FreeSWITCH on to its own files, and the guard every value from the
// store passes before it is put in a document.
//
// FreeSWITCH runs its pre-processor over a fetched document (switch_xml_parse_file): `$${name}` is
// replaced by a global variable and a line holding `<X-PRE-PROCESS` runs a command. XMLBuilder escapes
// `<`, so the second cannot come from a value; `safeValue` refuses `$`, `{` and control characters so
// no stored value can expand a variable either. The daemon's own constants (`$${hold_music}`) are not
// passed through it.
import { XMLBuilder } from 'fast-xml-parser';

/** An element as XMLBuilder takes it: `@_name` attributes, child elements by tag name. */
export type XmlNode = { [key: string]: string | XmlNode | XmlNode[] };

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  // by default a value of "true" would be written as a bare attribute, which is not XML
  suppressBooleanAttributes: false,
});

const DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n';

/** A whole answer: one `section` holding `content`. */
export function freeswitchDocument(section: string, content: XmlNode, description?: string): string {
  const sectionNode: XmlNode = {
    '@_name': section,
    ...(description !== undefined ? { '@_description': description } : {}),
    ...content,
  };
  return DECLARATION + builder.build({ document: { '@_type': 'freeswitch/xml', section: sectionNode } });
}

/**
 * What switch_xml_locate treats as "this binding has nothing": it frees the answer and asks the next
 * binding, then the static configuration. Any other document is used as the answer.
 */
export function notFoundDocument(): string {
  return freeswitchDocument('result', { result: { '@_status': 'not found' } });
}

/** Characters that must never come from stored data into a FreeSWITCH document. */
const UNSAFE_RE = /[$\\{}\p{Cc}\p{Cs}\uFFFE\uFFFF]/u;

export class UnsafeValueError extends Error {
  constructor(readonly field: string) {
    super(`refusing to put ${field} into FreeSWITCH configuration: it holds a character FreeSWITCH expands`);
    this.name = 'UnsafeValueError';
  }
}

/** Returns `value` if it can go into a document as plain text; throws otherwise. */
export function safeValue(field: string, value: string): string {
  if (UNSAFE_RE.test(value)) throw new UnsafeValueError(field);
  return value;
}

/** `<param name=".." value=".."/>` nodes in order. */
export function params(entries: ReadonlyArray<readonly [string, string]>): XmlNode[] {
  return entries.map(([name, value]) => ({ '@_name': name, '@_value': value }));
}

/** `<variable name=".." value=".."/>` nodes in order. */
export const variables = params;

/** A regular expression matching exactly `literal` (for dialplan conditions). */
export function exactly(literals: readonly string[]): string {
  const escaped = literals.map((l) => l.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'));
  return escaped.length === 1 ? `^${escaped[0]}$` : `^(${escaped.join('|')})$`;
}
