// Strict sipX clients, for the tests: an XStream-like XML reader and a Jackson-like JSON reader over
// the classes real sipX clients parse into. XStream (as the openUC/Spark IM plugin configures it in
// org/ezuce/common/io/XStreamIO.java: `new XStream(new DomDriver())`, aliases only, no
// ignoreUnknownElements()) throws on an element its class has no field for, on a field given twice and
// on a value its converter cannot read; Jackson's default ObjectMapper fails on unknown properties.
// Missing fields are fine for both (the field keeps its default), as in Java.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

type FieldType = 'String' | 'int' | 'long' | 'boolean' | { listOf: string };

export interface JavaClass {
  readonly name: string;
  /** Java field name → type, in declaration order. */
  readonly fields: Readonly<Record<string, FieldType>>;
  /** XStream aliasField: element name → Java field name. */
  readonly fieldAliases?: Readonly<Record<string, string>>;
}

/** XStream alias → class, or `List` for `xstream.alias("cdrs", List.class)`. */
export type Aliases = Readonly<Record<string, JavaClass | 'List'>>;

export class StrictParseError extends Error {}

// ---- the client classes (openUC plugin org/ezuce/common/xml/*XML.java, and sipX's own) ----------

/** org/ezuce/common/xml/ConferenceMemberXML.java */
const CONFERENCE_MEMBER_XML: JavaClass = {
  name: 'ConferenceMemberXML',
  fields: {
    id: 'int',
    uuid: 'String',
    name: 'String',
    imId: 'String',
    canHear: 'boolean',
    canSpeak: 'boolean',
    energyLevel: 'int',
    volumeIn: 'int',
    volumeOut: 'int',
  },
};
/** org/ezuce/common/xml/ConferenceXML.java */
const CONFERENCE_XML: JavaClass = {
  name: 'ConferenceXML',
  fields: { members: { listOf: 'member' }, extension: 'String', description: 'String', locked: 'boolean' },
};
/** org/ezuce/common/xml/ActiveCdrXML.java, field aliases from org/ezuce/common/io/ActiveCdrsIO.java */
const ACTIVE_CDR_XML: JavaClass = {
  name: 'ActiveCdrXML',
  fields: {
    from: 'String',
    fromAor: 'String',
    to: 'String',
    toAor: 'String',
    direction: 'String',
    recipient: 'String',
    internal: 'boolean',
    type: 'String',
    startTime: 'long',
    duration: 'long',
  },
  fieldAliases: { 'from-aor': 'fromAor', 'to-aor': 'toAor', 'start-time': 'startTime' },
};
/** org/ezuce/common/xml/MyConferenceXML.java */
const MY_CONFERENCE_XML: JavaClass = {
  name: 'MyConferenceXML',
  fields: {
    enabled: 'boolean',
    name: 'String',
    description: 'String',
    extension: 'String',
    accessCode: 'String',
  },
};
/** org/ezuce/common/xml/LoginDetailsXML.java */
const LOGIN_DETAILS_XML: JavaClass = {
  name: 'LoginDetailsXML',
  fields: {
    userName: 'String',
    imId: 'String',
    ldapImAuth: 'boolean',
    sipPassword: 'String',
    sipPort: 'String',
    videobridgePublicIp: 'String',
  },
};
/**
 * sipXconfig's UserConferenceResource.RepresentableFull (legacy-sipxecs), which sipX's own PUT of a
 * setting reads with XStream (alias `setting`); no openUC class reads settings.
 */
const SIPX_SETTING: JavaClass = {
  name: 'UserConferenceResource.RepresentableFull',
  fields: {
    enabled: 'boolean',
    name: 'String',
    description: 'String',
    autorecorded: 'boolean',
    accessCode: 'String',
    moderatorCode: 'String',
    quickstart: 'boolean',
    video: 'boolean',
    sendActiveVideoOnly: 'boolean',
    maxMembers: 'int',
    moh: 'String',
    moderatedRoom: 'boolean',
    publicRoom: 'boolean',
  },
};

/** The aliases each client sets for each resource (ConferenceDetailsIO, ActiveCdrsIO, ...). */
export const STRICT_CLIENTS = {
  conferenceDetails: { conference: CONFERENCE_XML, member: CONFERENCE_MEMBER_XML },
  activeCdrs: { cdrs: 'List', cdr: ACTIVE_CDR_XML },
  myConferences: { conferences: 'List', conference: MY_CONFERENCE_XML },
  loginDetails: { 'login-details': LOGIN_DETAILS_XML },
  setting: { setting: SIPX_SETTING },
} as const satisfies Record<string, Aliases>;

// ---- XStream-like XML -------------------------------------------------------------------------

type OrderedNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  ignoreDeclaration: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
});

function nameOf(node: OrderedNode): string {
  const names = Object.keys(node).filter((k) => k !== ':@');
  if (names.length !== 1) throw new StrictParseError('unexpected node shape');
  return names[0]!;
}

function childrenOf(node: OrderedNode): OrderedNode[] {
  if (node[':@'] !== undefined) throw new StrictParseError(`attributes on <${nameOf(node)}>`);
  return node[nameOf(node)] as OrderedNode[];
}

function textOf(node: OrderedNode): string {
  const children = childrenOf(node);
  if (children.some((c) => nameOf(c) !== '#text'))
    throw new StrictParseError(`<${nameOf(node)}> has child elements where a value was expected`);
  return children.map((c) => String(c['#text'])).join('');
}

const elements = (nodes: OrderedNode[]) => nodes.filter((n) => nameOf(n) !== '#text');

function scalar(type: Exclude<FieldType, { listOf: string }>, text: string, where: string): unknown {
  switch (type) {
    case 'String':
      return text;
    case 'int':
    case 'long': {
      // Integer.parseInt / Long.parseLong: an optional sign and digits, nothing else.
      if (!/^[+-]?[0-9]+$/.test(text)) throw new StrictParseError(`${where}: "${text}" is not a ${type}`);
      const n = Number(text);
      if (type === 'int' && (n > 2_147_483_647 || n < -2_147_483_648))
        throw new StrictParseError(`${where}: ${text} out of int range`);
      return n;
    }
    case 'boolean':
      if (text !== 'true' && text !== 'false')
        throw new StrictParseError(`${where}: "${text}" is not a boolean`);
      return text === 'true';
  }
}

function readObject(
  node: OrderedNode,
  cls: JavaClass,
  aliases: Aliases,
  where: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const child of elements(childrenOf(node))) {
    const element = nameOf(child);
    const field = cls.fieldAliases?.[element] ?? element;
    const type = cls.fields[field];
    const at = `${where}/${element}`;
    if (type === undefined) throw new StrictParseError(`${at}: no field ${element} in ${cls.name}`);
    if (field in out) throw new StrictParseError(`${at}: duplicate field ${field}`);
    if (typeof type === 'object') {
      out[field] = elements(childrenOf(child)).map((item, i) => {
        const itemName = nameOf(item);
        const itemClass = aliases[itemName];
        if (itemName !== type.listOf || itemClass === undefined || itemClass === 'List')
          throw new StrictParseError(`${at}[${i}]: cannot resolve class of <${itemName}>`);
        return readObject(item, itemClass, aliases, `${at}/${itemName}`);
      });
    } else out[field] = scalar(type, textOf(child), at);
  }
  return out;
}

/** Reads `xml` as XStream would with these aliases; throws StrictParseError where XStream throws. */
export function xstreamRead(xml: string, aliases: Aliases): unknown {
  if (XMLValidator.validate(xml) !== true) throw new StrictParseError('not well-formed XML');
  const roots = elements(parser.parse(xml) as OrderedNode[]);
  if (roots.length !== 1) throw new StrictParseError('not one root element');
  const root = roots[0]!;
  const rootName = nameOf(root);
  const target = aliases[rootName];
  if (target === undefined) throw new StrictParseError(`cannot resolve class of <${rootName}>`);
  if (target !== 'List') return readObject(root, target, aliases, rootName);
  return elements(childrenOf(root)).map((item, i) => {
    const cls = aliases[nameOf(item)];
    if (cls === undefined || cls === 'List')
      throw new StrictParseError(`${rootName}[${i}]: cannot resolve class of <${nameOf(item)}>`);
    return readObject(item, cls, aliases, `${rootName}/${nameOf(item)}`);
  });
}

// ---- Jackson-like JSON ------------------------------------------------------------------------

function jsonValue(type: FieldType, value: unknown, aliases: Aliases, where: string): void {
  if (typeof type === 'object') {
    if (!Array.isArray(value)) throw new StrictParseError(`${where}: expected an array`);
    const itemClass = aliases[type.listOf];
    if (itemClass === undefined || itemClass === 'List')
      throw new StrictParseError(`${where}: no item class`);
    value.forEach((item, i) => jsonObject(item, itemClass, aliases, `${where}[${i}]`));
    return;
  }
  const ok =
    type === 'String'
      ? typeof value === 'string'
      : type === 'boolean'
        ? typeof value === 'boolean'
        : typeof value === 'number' && Number.isInteger(value);
  if (!ok) throw new StrictParseError(`${where}: ${JSON.stringify(value)} is not a ${type}`);
}

function jsonObject(value: unknown, cls: JavaClass, aliases: Aliases, where: string): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new StrictParseError(`${where}: expected an object`);
  for (const [key, v] of Object.entries(value)) {
    const type = cls.fields[cls.fieldAliases?.[key] ?? key];
    if (type === undefined) throw new StrictParseError(`${where}.${key}: unrecognized field for ${cls.name}`);
    jsonValue(type, v, aliases, `${where}.${key}`);
  }
}

/**
 * Reads `{"<root>": ...}` (sipX's JSON: the XML root as the only key) as a Jackson client with
 * FAIL_ON_UNKNOWN_PROPERTIES (the default) bound to the same classes would.
 */
export function jacksonRead(json: unknown, aliases: Aliases): void {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new StrictParseError('expected an object');
  const keys = Object.keys(json);
  if (keys.length !== 1) throw new StrictParseError(`expected one root key, got ${keys.join(', ')}`);
  const root = keys[0]!;
  const target = aliases[root];
  const body = (json as Record<string, unknown>)[root];
  if (target === undefined) throw new StrictParseError(`unknown root ${root}`);
  if (target !== 'List') return jsonObject(body, target, aliases, root);
  if (!Array.isArray(body)) throw new StrictParseError(`${root}: expected an array`);
  const itemClass = Object.values(aliases).find((a): a is JavaClass => a !== 'List');
  if (itemClass === undefined) throw new StrictParseError('no item class');
  body.forEach((item, i) => jsonObject(item, itemClass, aliases, `${root}[${i}]`));
}
