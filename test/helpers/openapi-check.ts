// A structural check of an OpenAPI 3.1 document (the rules of the spec a generator can get wrong):
// required fields, path templating against declared path parameters, unique operationIds, response
// codes and descriptions, resolvable $refs, known security schemes, media types with schemas, and
// JSON Schema keywords that exist. Returns the problems found (empty: valid).

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const SCHEMA_KEYWORDS = new Set([
  '$ref', 'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'anyOf',
  'oneOf', 'allOf', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'description', 'format',
  'default', 'maxItems', 'minItems', 'uniqueItems', 'exclusiveMinimum', 'exclusiveMaximum', 'not',
  'xml', // OpenAPI's own Schema Object keyword: element names in XML
]); // prettier-ignore
const JSON_TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function openApiProblems(doc: unknown): string[] {
  const problems: string[] = [];
  const fail = (where: string, what: string) => problems.push(`${where}: ${what}`);
  if (!isObject(doc)) return ['document: not an object'];
  if (typeof doc['openapi'] !== 'string' || !/^3\.1\.\d+$/.test(doc['openapi'])) fail('openapi', 'not 3.1.x');
  const info = doc['info'];
  if (!isObject(info) || typeof info['title'] !== 'string' || typeof info['version'] !== 'string')
    fail('info', 'title and version are required strings');
  const components = isObject(doc['components']) ? doc['components'] : {};
  const schemes = isObject(components['securitySchemes']) ? components['securitySchemes'] : {};

  const resolve = (ref: string, where: string) => {
    const m = /^#\/components\/(schemas|securitySchemes)\/([^/]+)$/.exec(ref);
    const section = m ? components[m[1]!] : undefined;
    if (!m || !isObject(section) || section[m[2]!] === undefined) fail(where, `unresolvable $ref ${ref}`);
  };
  const checkSchema = (schema: unknown, where: string): void => {
    if (!isObject(schema)) return void fail(where, 'schema is not an object');
    for (const key of Object.keys(schema))
      if (!SCHEMA_KEYWORDS.has(key)) fail(where, `unknown JSON Schema keyword ${key}`);
    if (typeof schema['$ref'] === 'string') resolve(schema['$ref'], where);
    const type = schema['type'];
    // JSON Schema 2020-12 (OpenAPI 3.1) allows a list of types, e.g. ["boolean", "null"].
    const types = Array.isArray(type) ? (type as unknown[]) : [type];
    if (type !== undefined && !types.every((t) => typeof t === 'string' && JSON_TYPES.has(t)))
      fail(where, `bad type ${String(type)}`);
    if (schema['pattern'] !== undefined) {
      try {
        new RegExp(String(schema['pattern']), 'u');
      } catch {
        fail(where, `pattern is not a regular expression: ${String(schema['pattern'])}`);
      }
    }
    if (isObject(schema['properties']))
      for (const [name, sub] of Object.entries(schema['properties'])) checkSchema(sub, `${where}.${name}`);
    if (Array.isArray(schema['required']))
      for (const name of schema['required'] as unknown[])
        if (!isObject(schema['properties']) || !(String(name) in schema['properties']))
          fail(where, `required ${String(name)} is not a property`);
    for (const key of ['anyOf', 'oneOf', 'allOf'])
      if (Array.isArray(schema[key]))
        (schema[key] as unknown[]).forEach((s, i) => checkSchema(s, `${where}.${key}[${i}]`));
    if (schema['items'] !== undefined) checkSchema(schema['items'], `${where}.items`);
  };
  const checkContent = (content: unknown, where: string) => {
    if (!isObject(content) || Object.keys(content).length === 0)
      return void fail(where, 'content without media types');
    for (const [type, media] of Object.entries(content)) {
      if (!/^[a-z]+\/[a-z0-9.+-]+/.test(type)) fail(where, `bad media type ${type}`);
      if (!isObject(media)) fail(`${where}.${type}`, 'not an object');
      else checkSchema(media['schema'], `${where}.${type}.schema`);
    }
  };

  if (isObject(components['schemas']))
    for (const [name, schema] of Object.entries(components['schemas']))
      checkSchema(schema, `components.schemas.${name}`);
  for (const [name, scheme] of Object.entries(schemes))
    if (!isObject(scheme) || typeof scheme['type'] !== 'string')
      fail(`securitySchemes.${name}`, 'type is required');

  const paths = doc['paths'];
  if (!isObject(paths)) return [...problems, 'paths: missing'];
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(paths)) {
    if (!path.startsWith('/')) fail(path, 'path does not start with /');
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    if (!isObject(item)) {
      fail(path, 'path item is not an object');
      continue;
    }
    for (const [method, operation] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!METHODS.includes(method)) fail(where, 'unknown method');
      if (!isObject(operation)) continue;
      const id = operation['operationId'];
      if (typeof id !== 'string' || operationIds.has(id))
        fail(where, `operationId missing or not unique: ${String(id)}`);
      else operationIds.add(id);
      const params = Array.isArray(operation['parameters']) ? (operation['parameters'] as unknown[]) : [];
      const declared = new Set<string>();
      for (const p of params) {
        if (
          !isObject(p) ||
          typeof p['name'] !== 'string' ||
          !['path', 'query', 'header', 'cookie'].includes(String(p['in']))
        )
          fail(where, 'parameter needs name and in');
        else {
          const key = `${String(p['in'])}:${p['name']}`;
          if (declared.has(key)) fail(where, `parameter ${key} declared twice`);
          declared.add(key);
          if (p['in'] === 'path' && p['required'] !== true)
            fail(where, `path parameter ${p['name']} must be required`);
          if (p['in'] === 'path' && !templated.includes(p['name']))
            fail(where, `path parameter ${p['name']} not in the path`);
          checkSchema(p['schema'], `${where} parameter ${p['name']}`);
        }
      }
      for (const name of templated)
        if (!declared.has(`path:${name}`)) fail(where, `path template {${name}} not declared`);
      const responses = operation['responses'];
      if (!isObject(responses) || Object.keys(responses).length === 0) fail(where, 'no responses');
      else
        for (const [code, response] of Object.entries(responses)) {
          if (!/^([1-5]\d\d|[1-5]XX|default)$/.test(code)) fail(where, `bad response code ${code}`);
          if (!isObject(response) || typeof response['description'] !== 'string')
            fail(`${where} ${code}`, 'description required');
          else if (response['content'] !== undefined) checkContent(response['content'], `${where} ${code}`);
        }
      if (operation['requestBody'] !== undefined) {
        const body = operation['requestBody'];
        if (!isObject(body)) fail(where, 'requestBody is not an object');
        else checkContent(body['content'], `${where} requestBody`);
      }
      const security = operation['security'];
      if (security !== undefined) {
        if (!Array.isArray(security)) fail(where, 'security is not an array');
        else
          for (const requirement of security as unknown[])
            for (const name of Object.keys(isObject(requirement) ? requirement : {}))
              if (!(name in schemes)) fail(where, `unknown security scheme ${name}`);
      }
    }
  }
  return problems;
}
