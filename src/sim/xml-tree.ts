// A fetched FreeSWITCH document as a tree of elements in document order (what switch_xml gives the
// modules that read it), parsed by fast-xml-parser.
import { XMLParser } from 'fast-xml-parser';

export interface XmlElement {
  tag: string;
  attrs: Record<string, string>;
  children: XmlElement[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  ignoreDeclaration: true,
  parseAttributeValue: false,
  parseTagValue: false,
});

type Ordered = Array<Record<string, unknown>>;

function toElements(nodes: Ordered): XmlElement[] {
  const out: XmlElement[] = [];
  for (const node of nodes) {
    const tag = Object.keys(node).find((k) => k !== ':@');
    if (tag === undefined || tag.startsWith('#')) continue;
    out.push({
      tag,
      attrs: (node[':@'] as Record<string, string> | undefined) ?? {},
      children: toElements(node[tag] as Ordered),
    });
  }
  return out;
}

/** The root element, or undefined when the text is not one XML element. */
export function parseXmlTree(text: string): XmlElement | undefined {
  try {
    const roots = toElements(parser.parse(text) as Ordered);
    return roots.length === 1 ? roots[0] : undefined;
  } catch {
    return undefined;
  }
}

/** switch_xml_find_child: the first child `tag` whose `attr` equals `value` (case-insensitively). */
export function findChild(
  el: XmlElement | undefined,
  tag: string,
  attr?: string,
  value?: string,
): XmlElement | undefined {
  return el?.children.find(
    (c) =>
      c.tag === tag &&
      (attr === undefined || value === undefined || c.attrs[attr]?.toLowerCase() === value.toLowerCase()),
  );
}

export function childrenNamed(el: XmlElement | undefined, tag: string): XmlElement[] {
  return el?.children.filter((c) => c.tag === tag) ?? [];
}
