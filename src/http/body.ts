// Request bodies: bounded, parsed, validated by zod schemas (the same schemas can describe the API in
// OpenAPI later). A validation failure is a 400 naming the first bad field.
//   jsonBody(schema)      — middleware (via @hono/zod-validator) for JSON-only resources (admin API)
//   readDocument(c, ...)  — for sipX resources whose clients PUT either XML or JSON
import { zValidator } from '@hono/zod-validator';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Context, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import type { AppEnv } from './context.js';
import { badRequest, HttpError } from './errors.js';

export const MAX_BODY_BYTES = 64 * 1024;
/** Elements inside each other: `setting/delegates/delegate` is 3; anything much deeper is not a document. */
export const MAX_XML_DEPTH = 8;

const JSON_TYPE_RE = /^application\/([\w.-]+\+)?json$/i;
const XML_TYPE_RE = /^(application|text)\/([\w.-]+\+)?xml$/i;

function mediaType(c: Context): string {
  return (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** The first zod issue as a field name and a message that names it (user-supplied keys are bounded). */
export function describeZodError(error: { issues: readonly z.core.$ZodIssue[] }): {
  field: string;
  message: string;
} {
  const issue = error.issues[0];
  if (!issue) return { field: '', message: 'invalid body' };
  if (issue.code === 'unrecognized_keys') {
    const field = String(issue.keys[0] ?? '').slice(0, 64);
    return { field, message: `unknown field '${field}'` };
  }
  const field = issue.path.map(String).join('.').slice(0, 128);
  return field === ''
    ? { field, message: `invalid body: ${issue.message}` }
    : { field, message: `invalid field '${field}': ${issue.message}` };
}

const unsupported = (expected: string) =>
  new HttpError(415, `unsupported Content-Type; expected ${expected}`);

const requireJson: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!JSON_TYPE_RE.test(mediaType(c))) throw unsupported('application/json');
  return next();
};

/** JSON body validated by `schema`; handlers read it with `c.req.valid('json')`. */
export function jsonBody<S extends z.ZodType>(schema: S) {
  const validate = zValidator('json', schema, (result) => {
    if (!result.success) {
      const { field, message } = describeZodError(result.error);
      throw badRequest(message, field);
    }
  });
  return [requireJson, validate] as const;
}

export interface DocumentShape {
  /** The root element (XML) or optional wrapper key (JSON), e.g. `setting`. */
  root: string;
  booleans?: readonly string[];
  integers?: readonly string[];
  /** List fields and their item element, e.g. { delegates: 'delegate' }. */
  lists?: Readonly<Record<string, string>>;
}

function xmlParser(shape: DocumentShape): XMLParser {
  const items = new Set(Object.values(shape.lists ?? {}));
  return new XMLParser({
    ignoreAttributes: true,
    ignoreDeclaration: true,
    parseTagValue: false,
    processEntities: true,
    htmlEntities: false,
    trimValues: true,
    isArray: (name) => items.has(name),
    maxNestedTags: MAX_XML_DEPTH,
  });
}

/** XML text values → the types the schema expects; anything unexpected is left for zod to refuse. */
function coerceXml(record: Record<string, unknown>, shape: DocumentShape): Record<string, unknown> {
  const out: Record<string, unknown> = { ...record };
  for (const key of shape.booleans ?? []) {
    if (out[key] === 'true') out[key] = true;
    else if (out[key] === 'false') out[key] = false;
  }
  for (const key of shape.integers ?? []) {
    const v = out[key];
    if (typeof v === 'string' && /^-?\d{1,9}$/.test(v)) out[key] = Number(v);
  }
  for (const [key, item] of Object.entries(shape.lists ?? {})) {
    const v = out[key];
    if (v === '') out[key] = [];
    else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const entries = Object.keys(v);
      if (entries.length === 1 && entries[0] === item) out[key] = (v as Record<string, unknown>)[item];
    }
  }
  return out;
}

function parseXmlDocument(text: string, shape: DocumentShape): unknown {
  // No DTDs: they allow entity expansion bombs and external entities, and no sipX client sends one.
  if (/<!(DOCTYPE|ENTITY)/i.test(text)) throw badRequest('XML with a DOCTYPE is not accepted');
  let doc: Record<string, unknown>;
  try {
    if (XMLValidator.validate(text) !== true) throw new Error('not well-formed');
    // The parser also refuses nesting deeper than MAX_XML_DEPTH and names like __proto__ by throwing.
    doc = xmlParser(shape).parse(text) as Record<string, unknown>;
  } catch {
    throw badRequest(`malformed XML (well-formed, at most ${MAX_XML_DEPTH} levels, no reserved names)`);
  }
  const roots = Object.keys(doc);
  if (roots.length !== 1 || roots[0] !== shape.root) throw badRequest(`expected a <${shape.root}> document`);
  const body = doc[shape.root];
  if (body === '') return {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('malformed XML');
  return coerceXml(body as Record<string, unknown>, shape);
}

function parseJsonDocument(text: string, shape: DocumentShape): unknown {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw badRequest('malformed JSON');
  }
  // sipX clients send {"setting": {...}}; a bare object is accepted too.
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
    const keys = Object.keys(doc);
    if (keys.length === 1 && keys[0] === shape.root) return (doc as Record<string, unknown>)[shape.root];
  }
  return doc;
}

/** Reads an XML or JSON body (by Content-Type) and validates it with `schema`. */
export async function readDocument<S extends z.ZodType>(
  c: Context,
  schema: S,
  shape: DocumentShape,
): Promise<z.output<S>> {
  const type = mediaType(c);
  const isJson = JSON_TYPE_RE.test(type);
  if (!isJson && !XML_TYPE_RE.test(type)) throw unsupported('application/json or application/xml');
  const text = await c.req.text();
  const value = isJson ? parseJsonDocument(text, shape) : parseXmlDocument(text, shape);
  const result = schema.safeParse(value);
  if (!result.success) {
    const { field, message } = describeZodError(result.error);
    throw badRequest(message, field);
  }
  return result.data;
}
