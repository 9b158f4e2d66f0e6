// Checks values against the schemas of an OpenAPI 3.1 document (JSON Schema 2020-12) with Ajv, so a
// test can hold what the daemon really answers to what its document promises.
import { Ajv2020 } from 'ajv/dist/2020.js';

const DOCUMENT_ID = 'openapi.json';

/** `(component, value)` → Ajv's errors as text (empty: valid). */
export function componentValidator(document: object): (component: string, value: unknown) => string[] {
  // Not strict: the document's own keys (paths, info, the `xml` hints) are not JSON Schema keywords.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema(document, DOCUMENT_ID);
  return (component, value) => {
    const validate = ajv.getSchema(`${DOCUMENT_ID}#/components/schemas/${component}`);
    if (validate === undefined) return [`no component ${component}`];
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${component}${e.instancePath} ${e.message ?? ''}`);
  };
}
