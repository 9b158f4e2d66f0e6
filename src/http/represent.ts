// Representations: XML by default (as sipX/Restlet did), JSON on `Accept: application/json` or
// `?format=json`. One value tree renders both ways:
//   respond(c, 200, 'conferences', [{...}])  →  <conferences><conference>…</conference></conferences>
//                                             →  {"conferences":[{…}]}
// Arrays render in XML as repeated item elements named by `itemNames[key]`, else the key without its
// trailing "s" (conferences/conference, members/member, cdrs/cdr, delegates/delegate).
// XML is built by fast-xml-parser's XMLBuilder, which escapes text; characters XML cannot carry at all
// (control characters, lone surrogates) are replaced by U+FFFD so no value can break the document.
import { XMLBuilder } from 'fast-xml-parser';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type Format = 'xml' | 'json';
export type ItemNames = Readonly<Record<string, string>>;

export const XML_CONTENT_TYPE = 'text/xml; charset=utf-8';
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

const builder = new XMLBuilder({ ignoreAttributes: true, format: false, suppressEmptyNode: false });
const ELEMENT_NAME_RE = /^[A-Za-z_][A-Za-z0-9._-]*$/;
// Everything outside XML 1.0's Char production (tab, LF and CR are allowed).
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/gu;

/** Media-type preference, per RFC 9110 q-values; explicit JSON wins ties against explicit XML. */
export function negotiateFormat(accept: string | undefined, formatParam: string | undefined): Format {
  if (formatParam === 'json' || formatParam === 'xml') return formatParam;
  if (!accept) return 'xml';
  let json = 0;
  let xml = 0;
  for (const part of accept.slice(0, 1024).split(',')) {
    const [type = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    if (type === 'application/json' || /^application\/[\w.-]+\+json$/.test(type)) json = Math.max(json, q);
    if (type === 'application/xml' || type === 'text/xml') xml = Math.max(xml, q);
  }
  return json > 0 && json >= xml ? 'json' : 'xml';
}

/** The format for this request: a route's fixed choice (e.g. the admin API is JSON), else negotiated. */
export function formatOf(c: Context): Format {
  const fixed = c.get('representation') as Format | undefined;
  return fixed ?? negotiateFormat(c.req.header('accept'), c.req.query('format'));
}

function singular(key: string): string {
  return key.endsWith('s') && key.length > 1 ? key.slice(0, -1) : `${key}-item`;
}

function checkName(name: string): string {
  if (!ELEMENT_NAME_RE.test(name) || /^xml/i.test(name)) throw new Error(`not an XML element name: ${name}`);
  return name;
}

export function xmlSafeText(text: string): string {
  return text.replace(NOT_XML_CHAR_RE, '\uFFFD');
}

function toBuilderTree(key: string, value: unknown, itemNames: ItemNames): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return xmlSafeText(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) {
    const item = checkName(itemNames[key] ?? singular(key));
    const items = value.map((v) => {
      if (Array.isArray(v)) throw new Error('nested arrays have no XML form');
      return toBuilderTree(item, v, itemNames);
    });
    return items.length === 0 ? '' : { [item]: items.filter((v) => v !== undefined) };
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const converted = toBuilderTree(checkName(k), v, itemNames);
      if (converted !== undefined) out[k] = converted;
    }
    return out;
  }
  throw new Error(`no XML form for a ${typeof value}`);
}

export function renderXml(rootName: string, value: unknown, itemNames: ItemNames = {}): string {
  const tree = { [checkName(rootName)]: toBuilderTree(rootName, value, itemNames) ?? '' };
  return XML_DECLARATION + (builder.build(tree) as string);
}

export function renderJson(rootName: string, value: unknown): string {
  return JSON.stringify({ [rootName]: value });
}

export interface RespondOptions {
  itemNames?: ItemNames;
  headers?: Record<string, string>;
}

/** Answers `value` under `rootName` in the request's format. */
export function respond(
  c: Context,
  status: ContentfulStatusCode,
  rootName: string,
  value: unknown,
  options: RespondOptions = {},
): Response {
  const headers = { ...options.headers };
  if (formatOf(c) === 'json') {
    return c.body(renderJson(rootName, value), status, { ...headers, 'Content-Type': JSON_CONTENT_TYPE });
  }
  return c.body(renderXml(rootName, value, options.itemNames), status, {
    ...headers,
    'Content-Type': XML_CONTENT_TYPE,
  });
}

/** A bare JSON document (the admin API's style, as sipX's /api resources). */
export function respondJson(c: Context, status: ContentfulStatusCode, value: unknown): Response {
  return c.body(JSON.stringify(value), status, { 'Content-Type': JSON_CONTENT_TYPE });
}

export interface ErrorDetails {
  /** The request field at fault (400/409). */
  field?: string;
  headers?: Record<string, string>;
}

/** `{"error": "...", "code": 404}` or `<error>...</error>`. Never a stack trace. */
export function respondError(
  c: Context,
  status: ContentfulStatusCode,
  message: string,
  details: ErrorDetails = {},
): Response {
  const headers = { ...details.headers, 'Cache-Control': 'no-store' };
  if (formatOf(c) === 'json') {
    const body = {
      error: message,
      code: status,
      ...(details.field !== undefined ? { field: details.field } : {}),
    };
    return c.body(JSON.stringify(body), status, { ...headers, 'Content-Type': JSON_CONTENT_TYPE });
  }
  return c.body(renderXml('error', message), status, { ...headers, 'Content-Type': XML_CONTENT_TYPE });
}
