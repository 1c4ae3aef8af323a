import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { OpenApiDocument } from '../../src/http/openapi.js';

const BASE = 'urn:expense-tracker:openapi';

/** Checks values against the schemas of an OpenAPI document, as a third-party validator reads them. */
export interface DocumentSchemas {
  /** The errors of `value` against `components.schemas[name]` (empty when it conforms). */
  errors(name: string, value: unknown): ErrorObject[];
}

/**
 * Compiles `components.schemas` with Ajv (JSON Schema 2020-12, formats checked), in strict
 * mode, so a schema keyword Ajv does not know fails loudly. OpenAPI's own annotations
 * (`discriminator`, `example`) are declared as such: they assert nothing.
 */
export function documentSchemas(doc: OpenApiDocument): DocumentSchemas {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addVocabulary(['discriminator', 'example']);
  // Component refs (`#/components/schemas/X`) become refs into one schema's `$defs`.
  const defs = JSON.parse(
    JSON.stringify(doc.components.schemas).replaceAll('"#/components/schemas/', `"${BASE}#/$defs/`),
  ) as Record<string, unknown>;
  ajv.addSchema({ $id: BASE, $defs: defs });
  return {
    errors(name, value) {
      const validate = ajv.getSchema(`${BASE}#/$defs/${name}`);
      if (!validate) throw new Error(`No schema ${name} in the document`);
      return validate(value) ? [] : [...(validate.errors ?? [])];
    },
  };
}
